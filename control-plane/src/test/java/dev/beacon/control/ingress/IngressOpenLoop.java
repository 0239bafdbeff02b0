package dev.beacon.control.ingress;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop, fixed-rate load generator for {@code bench/ingress.sh} (wrk is closed-loop: it waits for each
 * answer, so a slow server lowers the offered load and hides its own latency). Request {@code i} is due at
 * {@code start + i / rate}; a scheduler hands it then to the first free of {@link #SENDERS} sender threads (Java
 * HTTP client, HTTP/1.1 keep-alive, so at most that many connections), never waiting for earlier answers, and its
 * latency is measured from that intended time, not from when it was actually sent: a stall of the server, or all
 * senders busy, shows in the percentiles (no coordinated omission). Unbounded asynchronous sending was tried first:
 * after one stall it opened hundreds of connections and measured its own connection storm.
 *
 * <p>Usage: {@code IngressOpenLoop <url> <body file> <seconds> <rate>[,<rate>...]}; prints one line per rate:
 * {@code OPENLOOP rate=… sent=… ok=… non202=… errors=… achieved=…/s p50=… p99=… max=… ms}.
 */
public final class IngressOpenLoop {

    /** Concurrent senders (each a keep-alive connection): the most requests in flight at once, as with Graph. */
    static final int SENDERS = Integer.getInteger("beacon.bench.senders", 64);

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: IngressOpenLoop <url> <body file> <seconds> <rate>[,<rate>...]");
            System.exit(2);
        }
        URI uri = URI.create(args[0]);
        byte[] body = Files.readAllBytes(Path.of(args[1]));
        int seconds = Integer.parseInt(args[2]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        run(http, request, 500, 3); // warms this JVM's HTTP client up; not reported
        for (String rate : args[3].split(",")) {
            System.out.println(run(http, request, Integer.parseInt(rate.strip()), seconds));
            System.out.flush();
        }
    }

    static String run(HttpClient http, HttpRequest request, int rate, int seconds) throws InterruptedException {
        int n = rate * seconds;
        long period = TimeUnit.SECONDS.toNanos(1) / rate;
        long[] latencyNanos = new long[n];
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger non202 = new AtomicInteger();
        Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
        AtomicLong lastAnswer = new AtomicLong();
        // Due requests wait here for a free sender: a stall shows as latency, never as fewer requests sent.
        BlockingQueue<long[]> due = new LinkedBlockingQueue<>();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        for (int s = 0; s < SENDERS; s++) {
            senders.execute(() -> {
                try {
                    for (long[] job = due.take(); job[0] >= 0; job = due.take()) {
                        int index = (int) job[0];
                        long intended = job[1];
                        try {
                            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                            (status == 202 ? ok : non202).incrementAndGet();
                        } catch (IOException e) {
                            errors.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                        long now = System.nanoTime();
                        latencyNanos[index] = now - intended;
                        lastAnswer.accumulateAndGet(now, Math::max);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        for (int i = 0; i < n; i++) {
            long intended = start + i * period;
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            due.add(new long[] {i, intended});
        }
        for (int s = 0; s < SENDERS; s++) {
            due.add(new long[] {-1, 0});
        }
        senders.shutdown();
        if (!senders.awaitTermination(60, TimeUnit.SECONDS)) {
            senders.shutdownNow();
            return String.format(Locale.ROOT, "OPENLOOP rate=%d unfinished after 60 s", rate);
        }
        long[] sorted = latencyNanos.clone();
        Arrays.sort(sorted);
        double elapsed = (lastAnswer.get() - start) / 1e9;
        int failed = errors.values().stream().mapToInt(AtomicInteger::get).sum();
        return String.format(Locale.ROOT,
                "OPENLOOP rate=%d sent=%d ok=%d non202=%d errors=%d achieved=%.0f/s p50=%.2f p99=%.2f max=%.2f ms%s",
                rate, n, ok.get(), non202.get(), failed, ok.get() / elapsed, ms(sorted[n / 2]),
                ms(sorted[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)]), ms(sorted[n - 1]),
                errors.isEmpty() ? "" : " " + errors);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private IngressOpenLoop() {}
}
