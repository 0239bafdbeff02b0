package dev.beacon.job.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.correlate.StructuredLocation;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Binds the {@code emergency_call} columns of migration V9 (kind, caller directory data, policy, structured
 * location, end of call, security line) for {@link PostgresSinks#UPSERT_FACT}: 17 consecutive parameters in the
 * order of that statement's column list. The model's "not yet" values become SQL NULL: {@code endedAtMillis} 0,
 * a negative {@code durationSeconds}, a missing location. {@code site_id}, {@code latitude} and {@code longitude}
 * are copied out of the location, which is also stored whole as jsonb ({@link LocationJson}).
 */
final class FactSourceColumns {

    /** How many parameters {@link #bind} sets. */
    static final int COUNT = 17;

    private FactSourceColumns() {}

    static void bind(PreparedStatement ps, int first, EmergencyCallFact f, ObjectMapper mapper) throws SQLException {
        int i = first;
        ps.setString(i++, f.kind == null ? EmergencyCallFact.KIND_EMERGENCY : text(f.kind));
        ps.setString(i++, text(f.callerUpn));
        ps.setString(i++, text(f.callerPhoneNumber));
        ps.setString(i++, text(f.callerDepartment));
        ps.setString(i++, text(f.callerJobTitle));
        ps.setString(i++, text(f.callerOfficeLocation));
        ps.setString(i++, text(f.policyName));
        StructuredLocation l = f.location;
        ObjectNode location = LocationJson.toJson(l, mapper);
        if (location == null) {
            ps.setNull(i++, Types.OTHER);
        } else {
            PostgresSinks.cleanTextValues(location);
            ps.setString(i++, location.toString());
        }
        ps.setString(i++, l == null ? null : text(l.siteId));
        setDouble(ps, i++, l == null ? null : LocationJson.finite(l.latitude));
        setDouble(ps, i++, l == null ? null : LocationJson.finite(l.longitude));
        if (f.endedAtMillis == 0) {
            ps.setNull(i++, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(i++, OffsetDateTime.ofInstant(Instant.ofEpochMilli(f.endedAtMillis), ZoneOffset.UTC));
        }
        if (f.durationSeconds < 0) {
            ps.setNull(i++, Types.BIGINT);
        } else {
            ps.setLong(i++, f.durationSeconds);
        }
        ps.setString(i++, text(f.calledLine));
        ps.setString(i++, text(f.calledLineName));
        ps.setString(i++, text(f.correlationId));
        ps.setString(i++, text(f.serverCallId));
        assert i - first == COUNT;
    }

    private static void setDouble(PreparedStatement ps, int index, Double d) throws SQLException {
        if (d == null) {
            ps.setNull(index, Types.DOUBLE);
        } else {
            ps.setDouble(index, d);
        }
    }

    private static String text(String s) {
        return PostgresSinks.text(s);
    }
}
