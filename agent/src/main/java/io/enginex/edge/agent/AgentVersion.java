package io.enginex.edge.agent;

/** The agent's own version, read from the jar manifest ({@code Implementation-Version}). */
public final class AgentVersion {
    private AgentVersion() {}

    /** The version of the running agent, or {@code "dev"} when it runs from classes, not the jar. */
    public static String current() {
        String version = AgentVersion.class.getPackage().getImplementationVersion();
        return version == null || version.isBlank() ? "dev" : version;
    }
}
