package dev.beacon.control.sites;

import dev.beacon.control.store.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * One database transaction around work that also publishes to Kafka: the row is written (and locked) first, the
 * record published and acknowledged, and only then committed. Any failure, a refused publish included, rolls the
 * row back, so the table never holds a change the topic does not.
 */
public final class Transactions {

    /** Work inside the transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private Transactions() {}

    public static <T> T inTransaction(DataSource dataSource, String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new Sql.StoreException(what, e);
        }
    }
}
