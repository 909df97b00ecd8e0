package io.mptcp4j.samples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole application on a random port. It listens on loopback, which the starter leaves to the JDK's TCP, and
 * the stack is opened lazily, so no root is needed; the starter is still active (its actuator endpoint answers).
 */
class DownloadApplicationTest {

    private static final long FIVE_MIB = 5L << 20;

    private static ConfigurableApplicationContext app;
    private static String base;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        app = new SpringApplicationBuilder(DownloadApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "mptcp.open-on-startup=false")
                .run();
        base = "http://127.0.0.1:" + app.getEnvironment().getRequiredProperty("local.server.port");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void downloadsFiveMebibytesThatMatchTheAdvertisedHash() throws Exception {
        HttpResponse<InputStream> response = http.send(get("/files/5M"), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(FIVE_MIB);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/octet-stream");

        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long length = 0;
        try (InputStream body = response.body()) {
            byte[] buffer = new byte[32 * 1024];
            for (int n; (n = body.read(buffer)) > 0; length += n) {
                digest.update(buffer, 0, n);
            }
        }
        String received = HexFormat.of().formatHex(digest.digest());

        assertThat(length).isEqualTo(FIVE_MIB);
        assertThat(getString("/files/5M/sha256").body().trim()).isEqualTo(received);
        // Independently of the server's code, so a wrong pattern on both sides cannot pass.
        assertThat(received).isEqualTo(expectedSha256(FIVE_MIB));
    }

    @Test
    void sizesAcceptSuffixesInAnyCase() throws Exception {
        assertThat(getString("/files/1k/sha256").body().trim()).isEqualTo(expectedSha256(1024));
        assertThat(getString("/files/0/sha256").body().trim()).isEqualTo(expectedSha256(0));
        HttpResponse<byte[]> small = http.send(get("/files/1000"), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(small.body()).hasSize(1000);
        assertThat(small.body()[252]).isEqualTo((byte) 1);
    }

    @Test
    void badSizesAreRefusedWith400() throws Exception {
        for (String size : new String[] {"abc", "10X", "-1", "1.5M", "65G", "1234567890123", "10MB"}) {
            assertThat(getString("/files/" + size).statusCode()).as(size).isEqualTo(400);
            assertThat(getString("/files/" + size + "/sha256").statusCode()).as(size + "/sha256").isEqualTo(400);
        }
    }

    @Test
    void theRootExplainsTheServiceAndTheActuatorShowsTheStack() throws Exception {
        HttpResponse<String> usage = getString("/");
        assertThat(usage.statusCode()).isEqualTo(200);
        assertThat(usage.body()).contains("/files/{size}", "/files/{size}/sha256");

        HttpResponse<String> mptcp = getString("/actuator/mptcp");
        assertThat(mptcp.statusCode()).isEqualTo(200);
        assertThat(mptcp.body()).contains("\"configuration\"", "\"connections\"");
    }

    private static HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).build();
    }

    private static HttpResponse<String> getString(String path) throws Exception {
        return http.send(get(path), HttpResponse.BodyHandlers.ofString());
    }

    private static String expectedSha256(long size) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (long i = 0; i < size; i++) {
            digest.update((byte) (i % 251));
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
