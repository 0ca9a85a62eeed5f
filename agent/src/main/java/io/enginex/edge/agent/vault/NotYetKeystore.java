package io.enginex.edge.agent.vault;

/**
 * An OS keystore this agent does not use yet (the Windows DPAPI, the macOS Keychain): every use
 * fails with a message saying so and what to do instead. See docs/security/VAULT.md.
 */
final class NotYetKeystore implements VaultKeys {
    private final String kind;
    private final String name;

    /**
     * @param kind e.g. {@code dpapi}
     * @param name e.g. {@code the Windows Data Protection API (DPAPI)}
     */
    NotYetKeystore(String kind, String name) {
        this.kind = kind;
        this.name = name;
    }

    static NotYetKeystore dpapi() {
        return new NotYetKeystore("dpapi", "the Windows Data Protection API (DPAPI)");
    }

    static NotYetKeystore keychain() {
        return new NotYetKeystore("keychain", "the macOS Keychain");
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String describe(String keyName) {
        return name;
    }

    @Override
    public void create(String keyName, byte[] key) {
        throw notYet();
    }

    @Override
    public byte[] load(String keyName) {
        throw notYet();
    }

    @Override
    public void delete(String keyName) {
        throw notYet();
    }

    private VaultException notYet() {
        return new VaultException("the vault cannot use " + name + " yet (not implemented in this agent version);"
                + " to keep secrets on this machine anyway, with the key in a file beside the vault (anyone who can"
                + " read the agent's state folder can then read them), use: enginex-agent secrets set NAME"
                + " --key-store file");
    }
}
