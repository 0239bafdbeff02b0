package dev.beacon.bench.system;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the machine's CPU went during a run (Linux): this JVM (the job, the in-process Kafka broker and the
 * benchmark), the embedded PostgreSQL (its postmaster and backends), and everything else on the machine (other
 * users' work included). All of them share the same cores, so a rate below cores × per-core work is explained only
 * once this is known. Elsewhere the PostgreSQL and machine figures are -1.
 */
final class CpuShares {

    /** Linux's USER_HZ: the unit of /proc's CPU times on every mainstream kernel. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final long postmasterPid;
    private final long startNanos;
    private final double startJvm;
    private final double startPostgres;
    private final double startMachine;

    private CpuShares(long postmasterPid) {
        this.postmasterPid = postmasterPid;
        this.startNanos = System.nanoTime();
        this.startJvm = jvmSeconds();
        this.startPostgres = postgresSeconds();
        this.startMachine = machineBusySeconds();
    }

    /** Starts measuring; {@code postmasterPid} from {@link #postmasterOf(long)}, or -1. */
    static CpuShares start(long postmasterPid) {
        return new CpuShares(postmasterPid);
    }

    /** The postmaster of a live backend, or -1. */
    static long postmasterOf(long backendPid) {
        String[] stat = stat(backendPid);
        return stat == null ? -1 : Long.parseLong(stat[1]);
    }

    /** CPU seconds per consumer since {@link #start}, and the wall seconds, as result parameters. */
    Map<String, Object> params() {
        double wall = (System.nanoTime() - startNanos) / 1e9;
        double jvm = jvmSeconds() - startJvm;
        double pg = postmasterPid < 0 ? -1 : postgresSeconds() - startPostgres;
        double machine = startMachine < 0 ? -1 : machineBusySeconds() - startMachine;
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("cpu_wall_s", format(wall));
        p.put("cpu_jvm_s", format(jvm));
        p.put("cpu_postgres_s", format(pg));
        // Without a PostgreSQL to watch (replay), its idle postmaster counts as other.
        p.put("cpu_other_s", machine < 0 ? "-1" : format(Math.max(0, machine - jvm - Math.max(0, pg))));
        p.put("cpu_available_s", format(wall * Runtime.getRuntime().availableProcessors()));
        return p;
    }

    private static String format(double seconds) {
        return String.format(java.util.Locale.ROOT, "%.1f", seconds);
    }

    private static double jvmSeconds() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : 0;
    }

    /** The postmaster's own and reaped children's time, plus its live children's (the backends, the writers). */
    private double postgresSeconds() {
        if (postmasterPid < 0) {
            return -1;
        }
        String[] own = stat(postmasterPid);
        if (own == null) {
            return -1;
        }
        long ticks = ticks(own, 11) + ticks(own, 12) + ticks(own, 13) + ticks(own, 14);
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                String[] s = stat(Long.parseLong(p.getFileName().toString()));
                if (s != null && Long.parseLong(s[1]) == postmasterPid) {
                    ticks += ticks(s, 11) + ticks(s, 12);
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return ticks / TICKS_PER_SECOND;
    }

    /** Busy time of all cores (user, nice, system, irq, softirq, steal) from /proc/stat, or -1. */
    private static double machineBusySeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]) + Long.parseLong(f[8]);
            return busy / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The fields of /proc/PID/stat after the command name (index 0 = state, 1 = ppid, 11 = utime, 12 = stime,
     * 13 = cutime, 14 = cstime), or null when the process is gone or this is not Linux.
     */
    private static String[] stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long ticks(String[] stat, int index) {
        return Long.parseLong(stat[index]);
    }
}
