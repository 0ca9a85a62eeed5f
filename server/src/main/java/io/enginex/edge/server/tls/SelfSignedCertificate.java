package io.enginex.edge.server.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes a self-signed EC P-256 server certificate (P-256 rather than Ed25519 because browsers accept
 * it) for {@code localhost}, {@code 127.0.0.1}, {@code ::1} and the given host names. Agents trust it
 * by pinning its fingerprint.
 */
final class SelfSignedCertificate {
    /** Long-lived on purpose: it is pinned, and rotating it means re-pinning every agent. */
    static final Duration VALIDITY = Duration.ofDays(3650);

    private SelfSignedCertificate() {}

    /** A key pair and its certificate. */
    public record Generated(KeyPair keyPair, X509Certificate certificate) {}

    public static Generated generate(Set<String> hostNames, Clock clock, SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair keyPair = generator.generateKeyPair();
            Instant now = clock.instant();
            String commonName = hostNames.stream().findFirst().orElse("localhost");
            var builder = new JcaX509v3CertificateBuilder(
                    new X500Principal("CN=" + commonName.replaceAll("[,=+<>#;\"\\\\]", "_") + ",O=EngineX Edge hub"),
                    new BigInteger(128, random).setBit(127),
                    Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(VALIDITY)),
                    new X500Principal("CN=" + commonName.replaceAll("[,=+<>#;\"\\\\]", "_") + ",O=EngineX Edge hub"),
                    keyPair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(hostNames));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(
                    Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            builder.addExtension(
                    Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate());
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            return new Generated(keyPair, certificate);
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("cannot make a self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static GeneralNames subjectAltNames(Set<String> hostNames) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        names.addAll(hostNames);
        List<GeneralName> out = new ArrayList<>();
        for (String name : names) {
            boolean ip = name.matches("[0-9.]+") || name.contains(":");
            out.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
        }
        return new GeneralNames(out.toArray(GeneralName[]::new));
    }
}
