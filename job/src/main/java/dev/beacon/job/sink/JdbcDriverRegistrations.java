package dev.beacon.job.sink;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The JDBC drivers that {@link DriverManager} holds for one class loader, and their removal. A driver registers
 * itself JVM-wide when its class is initialized (pgjdbc's {@code org.postgresql.Driver} does, as does the
 * {@code DriverManager}'s own service lookup with the thread's context class loader). On a Flink TaskManager the
 * job jar's driver is defined by the job's user-code class loader, so {@code DriverManager}'s static list keeps that
 * class loader, with every class of the job, reachable after the job ended: one more copy per job submission.
 *
 * <p>No logging and nothing but {@code java.sql} here, so a test can load this class in an isolated class loader
 * together with a driver, as Flink does. {@code DriverManager} only lets a caller see and deregister the drivers its
 * own class loader can load, so this class must be defined by the same class loader as the drivers it removes.
 */
public final class JdbcDriverRegistrations {

    private JdbcDriverRegistrations() {}

    /**
     * Deregisters every driver registered in {@link DriverManager} whose class was defined by {@code loader}, and
     * returns their class names. A driver that cannot be deregistered is left alone (its name is not returned).
     */
    public static List<String> deregisterLoadedBy(ClassLoader loader) {
        List<String> removed = new ArrayList<>();
        for (Driver driver : Collections.list(DriverManager.getDrivers())) {
            if (loader != null && driver.getClass().getClassLoader() == loader) {
                try {
                    DriverManager.deregisterDriver(driver);
                    removed.add(driver.getClass().getName());
                } catch (SQLException | SecurityException e) {
                    // Nothing to do about it: the class loader stays pinned, as without this hook.
                }
            }
        }
        return removed;
    }
}
