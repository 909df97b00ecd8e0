package io.mptcp4j.samples.webflux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Downloads of any size, generated while they are sent, and their SHA-256 for checking them. */
@RestController
public class DownloadController {

    private static final String USAGE = "mptcp4j download service. GET /files/{size} sends size bytes of a fixed "
            + "pattern (byte i is i % 251) as application/octet-stream; size is a number of bytes with an optional "
            + "K, M or G suffix (binary: 10M is 10485760 bytes), at most 64G. GET /files/{size}/sha256 gives the "
            + "hex SHA-256 of that content to check a download: "
            + "curl -s http://HOST:8080/files/200M | sha256sum. GET /actuator/mptcp lists the MPTCP connections "
            + "and their subflows.\n";

    @GetMapping(path = "/", produces = MediaType.TEXT_PLAIN_VALUE)
    public String usage() {
        return USAGE;
    }

    @GetMapping("/files/{size}")
    public ResponseEntity<Flux<DataBuffer>> download(@PathVariable("size") String size) {
        long bytes = parse(size);
        // Heap buffers the server copies out and the GC reclaims: no pooled buffer can leak on a cancelled download.
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .contentLength(bytes)
                .body(PatternContent.chunks(bytes, DefaultDataBufferFactory.sharedInstance));
    }

    @GetMapping(path = "/files/{size}/sha256", produces = MediaType.TEXT_PLAIN_VALUE)
    public Mono<String> sha256(@PathVariable("size") String size) {
        long bytes = parse(size);
        // Hashing gigabytes takes seconds: off the event loop, which serves the downloads.
        return Mono.fromCallable(() -> PatternContent.sha256(bytes) + "\n").subscribeOn(Schedulers.boundedElastic());
    }

    private static long parse(String size) {
        try {
            return PatternContent.parseSize(size);
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
    }
}
