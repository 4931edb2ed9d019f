package dev.loomwire.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgConnection;
import dev.loomwire.pg.PgException;
import dev.loomwire.pg.SslMode;
import dev.loomwire.tls.TestCertificateAuthority;
import dev.loomwire.testing.Containers;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.utility.DockerImageName;

/**
 * {@link TlsPostgresContainer} against PostgreSQL in Docker (see {@link Containers} for the image):
 * the handed-out settings connect with sslmode=verify-full against the generated CA, each pg_hba
 * mode admits exactly what it says, and a wrong, missing or failing image is reported by kind.
 */
class TlsPostgresContainerTest {
    private static TlsPostgresContainer pg;
    private static TlsPostgresContainer hostSsl;
    private static TlsPostgresContainer clientCert;

    @BeforeAll
    static void startContainers() {
        pg = Containers.postgres().withInitSql("CREATE TABLE greeting(text) AS VALUES ('hello over TLS');");
        hostSsl = Containers.postgres().withHostSslOnly();
        clientCert = Containers.postgres().withUsername("app").withPassword("app-pw").withDatabaseName("appdb")
                .withClientCertVerifyFull();
        Containers.startAll(pg, hostSsl, clientCert);
    }

    @AfterAll
    static void stopContainers() {
        Containers.stopAll(pg, hostSsl, clientCert);
    }

    @Test
    void pgConfigConnectsWithVerifyFullAgainstTheGeneratedCa() {
        PgConfig config = pg.pgConfig();
        assertEquals(SslMode.VERIFY_FULL, config.sslMode());
        assertEquals(pg.host(), config.host());
        try (PgConnection c = PgConnection.connect(config)) {
            assertTrue(c.tls().isPresent());
            assertEquals("t", c.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").single().getString(0));
            assertEquals("hello over TLS", c.query("SELECT text FROM greeting").single().getString(0));
            assertEquals("test", c.query("SELECT current_user").single().getString(0));
        }
    }

    @Test
    void conninfoNamesTheCaAndClientFiles() throws Exception {
        String conninfo = pg.conninfo();
        assertTrue(conninfo.contains("sslmode=verify-full"), conninfo);
        assertTrue(conninfo.contains("sslrootcert=" + pg.caCertificateFile()), conninfo);
        assertEquals(TestCertificateAuthority.toPem(pg.caCertificate()), Files.readString(pg.caCertificateFile()));
        assertEquals(pg.clientCertificate().privateKeyPem(), Files.readString(pg.clientKeyFile()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pg.clientKeyFile())));
        try (PgConnection c = PgConnection.connect(PgConfig.parse(conninfo, Map.of()))) {
            assertTrue(c.tls().isPresent());
        }
    }

    @Test
    void theServerCertificateNamesTheHostTheTestConnectsToAndNothingElse() throws Exception {
        X509Certificate server = pg.serverCertificate().certificate();
        List<String> sans = server.getSubjectAlternativeNames().stream().map(san -> san.get(1).toString()).toList();
        assertTrue(sans.contains(pg.host()), sans.toString());
        assertTrue(sans.contains("localhost") && sans.contains("127.0.0.1"), sans.toString());
        server.verify(pg.caCertificate().getPublicKey());

        PgConfig otherName = PgConfig.parse(pg.conninfo() + " host=db.example.invalid hostaddr=127.0.0.1", Map.of());
        PgException e = assertThrows(PgException.class, () -> PgConnection.connect(otherName).close());
        assertTrue(e.getMessage().contains("db.example.invalid"), e.getMessage());
    }

    @Test
    void byDefaultPlaintextIsAcceptedToo() {
        try (PgConnection c = PgConnection.connect(PgConfig.parse(pg.conninfo() + " sslmode=disable", Map.of()))) {
            assertFalse(c.tls().isPresent());
        }
    }

    @Test
    void hostSslOnlyRefusesPlaintext() {
        try (PgConnection c = PgConnection.connect(hostSsl.pgConfig())) {
            assertTrue(c.tls().isPresent());
        }
        PgException e = assertThrows(PgException.class,
                () -> PgConnection.connect(PgConfig.parse(hostSsl.conninfo() + " sslmode=disable", Map.of())).close());
        assertTrue(e.getMessage().contains("no encryption"), e.getMessage());
    }

    @Test
    void clientCertVerifyFullAdmitsTheClientCertificateOnly() {
        try (PgConnection c = PgConnection.connect(clientCert.pgConfig())) {
            assertEquals("/CN=app", c.query("SELECT client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()").single().getString(0));
            assertEquals("appdb", c.query("SELECT current_database()").single().getString(0));
        }
        String withoutCertificate = "host=" + clientCert.host() + " port=" + clientCert.port()
                + " user=app password=app-pw dbname=appdb sslmode=verify-full sslrootcert=" + clientCert.caCertificateFile();
        PgException e = assertThrows(PgException.class,
                () -> PgConnection.connect(PgConfig.parse(withoutCertificate, Map.of())).close());
        assertTrue(e.getMessage().contains("certificate"), e.getMessage());
    }

    @Test
    void settingsBeforeStartSayTheContainerIsNotStarted() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Containers.postgres().pgConfig());
        assertTrue(e.getMessage().contains("not started"), e.getMessage());
    }

    @Test
    void anImageNotDeclaredCompatibleIsRefusedAtOnce() {
        TlsContainerException e = assertThrows(TlsContainerException.class, () -> new TlsPostgresContainer("mysql:8"));
        assertEquals(TlsContainerException.Kind.WRONG_IMAGE, e.kind());
        assertTrue(e.getMessage().contains("asCompatibleSubstituteFor(\"postgres\")"), e.getMessage());
    }

    @Test
    void anImageWithoutPostgresIsTheWrongImage() {
        DockerImageName redisImage = DockerImageName.parse(TlsRedisContainer.DEFAULT_IMAGE).asCompatibleSubstituteFor("postgres");
        try (TlsPostgresContainer c = new TlsPostgresContainer(redisImage).withImagePullPolicy(Containers::pullUnlessLocal)) {
            TlsContainerException e = assertThrows(TlsContainerException.class, c::start);
            assertEquals(TlsContainerException.Kind.WRONG_IMAGE, e.kind(), e.getMessage());
            assertTrue(e.logTail().contains("no postgres on PATH"), e.logTail());
            assertEquals(null, c.getContainerId(), "the failed container is removed");
        }
    }

    @Test
    void aMissingImageIsReportedAsNotFound() {
        DockerImageName missing = DockerImageName.parse("loomwire-test/no-such-image:1").asCompatibleSubstituteFor("postgres");
        try (TlsPostgresContainer c = new TlsPostgresContainer(missing).withImagePullPolicy(name -> false)) {
            TlsContainerException e = assertThrows(TlsContainerException.class, c::start);
            assertEquals(TlsContainerException.Kind.IMAGE_NOT_FOUND, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("loomwire-test/no-such-image:1"), e.getMessage());
        }
    }

    @Test
    void aServerThatCannotStartFailsWithItsLogTail() {
        try (TlsPostgresContainer c = Containers.postgres().withServerSetting("shared_buffers", "lots")) {
            TlsContainerException e = assertThrows(TlsContainerException.class, c::start);
            assertEquals(TlsContainerException.Kind.NOT_READY, e.kind(), e.getMessage());
            assertTrue(e.logTail().contains("shared_buffers"), e.logTail());
            assertTrue(e.getMessage().contains(e.logTail()), e.getMessage());
        }
    }
}
