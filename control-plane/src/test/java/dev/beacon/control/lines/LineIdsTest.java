package dev.beacon.control.lines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LineIdsTest {

    @Test
    void numbersAndResourceAccountsBecomeAcsRawIds() {
        assertThat(LineIds.parse("+1 (555) 010-0")).isEqualTo("4:+15550100");
        assertThat(LineIds.parse(" 4:+4930555000 ")).isEqualTo("4:+4930555000");
        assertThat(LineIds.parse("28:ORGID:CC123456-5678-5678-1234-CCC123456789"))
                .isEqualTo("28:orgid:cc123456-5678-5678-1234-ccc123456789");
    }

    @Test
    void anythingElseIsRefused() {
        for (String bad : new String[] {"5550100", "+0123456789", "+123456", "+1234567890123456", "+1555abc0100",
                "28:orgid:nope", "8:acs:x", "", null}) {
            assertThatThrownBy(() -> LineIds.parse(bad)).as(String.valueOf(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("a line is a phone number");
        }
    }

    @Test
    void graphPhoneNumbersLoseTheirTelPrefix() {
        assertThat(LineIds.e164("tel:+1234567890")).isEqualTo("+1234567890");
        assertThat(LineIds.e164("TEL:+1 234 567 890")).isEqualTo("+1234567890");
        assertThat(LineIds.e164("")).isNull();
        assertThat(LineIds.e164(null)).isNull();
    }
}
