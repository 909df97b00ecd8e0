package io.mptcp4j.samples.webflux;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A file-download service over MPTCP: the mptcp4j starter on the class path puts the WebFlux server on the
 * userspace stack, nothing in the code refers to it.
 */
@SpringBootApplication
public class DownloadApplication {

    public static void main(String[] args) {
        SpringApplication.run(DownloadApplication.class, args);
    }
}
