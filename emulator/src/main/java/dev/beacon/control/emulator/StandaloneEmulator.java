package dev.beacon.control.emulator;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the {@link MicrosoftEmulator} on its own, on the system clock, until the process is stopped:
 * {@code java -cp <classpath> dev.beacon.control.emulator.StandaloneEmulator --port 8089}. Prints the base URL as the
 * first line of standard output, so a script (or a person pointing a control plane at it) knows where it listens.
 *
 * <p>Standalone, the emulator starts empty: people sign in on {@code /devicelogin} under any username, subscriptions
 * and chat messages appear as a client creates them. Seeding directories, resource accounts or faults is done
 * through the Java API (tests, {@code LocalControlPlane}).
 */
public final class StandaloneEmulator {

    private StandaloneEmulator() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port;
        try {
            port = port(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: StandaloneEmulator [--port N]   (N = 0 or absent: a free port)");
            System.exit(2);
            return;
        }
        MicrosoftEmulator emulator = MicrosoftEmulator.start(Clock.systemUTC(), port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }, "emulator-shutdown"));
        System.out.println(emulator.baseUri());
        System.out.flush();
        stopped.await();
    }

    /** {@code --port N} or {@code --port=N}; 0 when absent (a free port). */
    static int port(String... args) {
        int port = 0;
        for (int i = 0; i < args.length; i++) {
            String value;
            if (args[i].startsWith("--port=")) {
                value = args[i].substring("--port=".length());
            } else if (args[i].equals("--port") && i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("unknown or incomplete argument: " + args[i]);
            }
            try {
                port = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--port must be a number from 0 to 65535");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be a number from 0 to 65535");
            }
        }
        return port;
    }
}
