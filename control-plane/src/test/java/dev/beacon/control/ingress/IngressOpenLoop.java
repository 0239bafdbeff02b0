package dev.beacon.control.ingress;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop, fixed-rate load generator for {@code bench/ingress.sh} (wrk is closed-loop: it waits for each
 * answer, so a slow server lowers the offered load and hides its own latency). Request {@code i} is due at
 * {@code start + i / rate}; it is sent then without waiting for earlier answers (asynchronous Java HTTP client,
 * HTTP/1.1, as many connections as needed), and its latency is measured from that intended time, not from when it
 * was actually sent, so a stall of the server or of this generator shows in the percentiles (no coordinated
 * omission).
 *
 * <p>Usage: {@code IngressOpenLoop <url> <body file> <seconds> <rate>[,<rate>...]}; prints one line per rate:
 * {@code OPENLOOP rate=… sent=… ok=… non202=… errors=… achieved=…/s p50=… p99=… max=… ms}.
 */
public final class IngressOpenLoop {

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
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch answered = new CountDownLatch(n);
        long[] lastAnswer = new long[1];
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        for (int i = 0; i < n; i++) {
            long due = start + i * period;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            int index = i;
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                long now = System.nanoTime();
                latencyNanos[index] = now - due;
                if (e != null) {
                    errors.incrementAndGet();
                } else if (r.statusCode() == 202) {
                    ok.incrementAndGet();
                } else {
                    non202.incrementAndGet();
                }
                synchronized (lastAnswer) {
                    lastAnswer[0] = Math.max(lastAnswer[0], now);
                }
                answered.countDown();
            });
        }
        if (!answered.await(30, TimeUnit.SECONDS)) {
            return String.format(Locale.ROOT, "OPENLOOP rate=%d unfinished: %d of %d answers missing after 30 s",
                    rate, answered.getCount(), n);
        }
        long[] sorted = latencyNanos.clone();
        Arrays.sort(sorted);
        double elapsed;
        synchronized (lastAnswer) {
            elapsed = (lastAnswer[0] - start) / 1e9;
        }
        return String.format(Locale.ROOT,
                "OPENLOOP rate=%d sent=%d ok=%d non202=%d errors=%d achieved=%.0f/s p50=%.2f p99=%.2f max=%.2f ms",
                rate, n, ok.get(), non202.get(), errors.get(), ok.get() / elapsed, ms(sorted[n / 2]),
                ms(sorted[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)]), ms(sorted[n - 1]));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private IngressOpenLoop() {}
}
