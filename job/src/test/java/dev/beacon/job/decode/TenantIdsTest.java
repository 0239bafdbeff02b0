package dev.beacon.job.decode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TenantIdsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "<null>", value = {
        "/tenants/2432b57b-0abd/applications/a1b2   | 2432b57b-0abd",
        "tenants/t1/chats('19:x@thread.v2')/messages('1') | t1",
        "tenants('t2')/chats/19:x@thread.v2/messages/1    | t2",
        "/Tenants/T3                                | T3",
        "chats('19:x@thread.v2')/messages('1')      | <null>",
        "/subtenants/t4/applications/a              | <null>",
        "/tenants//applications/a                   | <null>",
        "/tenants('')/x                             | <null>",
        "''                                         | <null>",
        "<null>                                     | <null>",
    })
    void readsTheTenantSegment(String path, String tenant) {
        assertThat(TenantIds.inPath(path)).isEqualTo(tenant);
    }
}
