package dev.beacon.job.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionRulesTest {

    private static final String GERMAN = """
            {
              // Comments are allowed, for notes on where a phrase came from.
              "rules": [
                {
                  "name": "notruf-de",
                  "description": "German tenant",
                  "phrases": ["hat einen   Notruf getätigt"],
                  "patterns": ["notruf\\\\s+an\\\\s+\\\\d+"],
                  "importance": ["High", "urgent"],
                  "chatTypes": ["group", "MEETING"],
                  "senderKinds": ["user", "application"],
                  "messageTypes": ["message", "systemEventMessage"]
                }
              ],
              "dialedNumber": { "testNumbers": ["933", "999"] }
            }
            """;

    @Test
    void defaultsDescribeTheTeamsSecurityDeskNotification() {
        DetectionRules rules = DetectionRules.defaults();

        assertThat(rules.rules()).hasSize(1);
        DetectionRules.Rule rule = rules.rules().get(0);
        assertThat(rule.name()).isEqualTo("teams-security-desk");
        assertThat(rule.phrases()).containsExactly("has placed an emergency call");
        assertThat(rule.patterns()).isEmpty();
        assertThat(rule.importance()).isNull();
        assertThat(rule.chatTypes()).isNull();
        assertThat(rule.senderKinds()).containsExactly("user");
        assertThat(rule.messageTypes()).containsExactly("message");

        assertThat(rules.emergencyNumbers()).containsExactly("911", "112", "999", "933", "000", "110", "119");
        assertThat(rules.testNumbers()).containsExactly("933");
        assertThat(rules.fallbackToAnyEmergencyNumber()).isTrue();
        assertThat(rules.dialedNumberPatterns()).hasSize(3);
        assertThat(rules.locationPatterns()).hasSize(3);
        assertThat(rules.maxLocationLength()).isEqualTo(512);
        assertThat(DetectionRules.defaults()).isSameAs(rules);
    }

    @Test
    void customRulesTakeLeftOutSectionsFromTheDefaults() {
        DetectionRules rules = DetectionRules.fromJson(GERMAN);

        DetectionRules.Rule rule = rules.rules().get(0);
        assertThat(rule.name()).isEqualTo("notruf-de");
        assertThat(rule.phrases()).containsExactly("hat einen notruf getätigt");
        assertThat(rule.patterns()).extracting(Pattern::pattern).containsExactly("notruf\\s+an\\s+\\d+");
        assertThat(rule.importance()).containsExactly("high", "urgent");
        assertThat(rule.chatTypes()).containsExactly("group", "meeting");
        assertThat(rule.senderKinds()).containsExactly("user", "application");
        assertThat(rule.messageTypes()).containsExactly("message", "systemeventmessage");

        assertThat(rules.testNumbers()).containsExactly("933", "999");
        assertThat(rules.emergencyNumbers()).isEqualTo(DetectionRules.defaults().emergencyNumbers());
        assertThat(rules.dialedNumberPatterns()).isEqualTo(DetectionRules.defaults().dialedNumberPatterns());
        assertThat(rules.locationPatterns()).isEqualTo(DetectionRules.defaults().locationPatterns());
        assertThat(rules.maxLocationLength()).isEqualTo(512);
    }

    @Test
    void extractionSectionsCanBeReplaced() {
        DetectionRules rules = DetectionRules.fromJson("""
                {"rules": [{"name": "r", "phrases": ["x"]}],
                 "dialedNumber": {"patterns": ["Nummer (?<number>\\\\d+)"], "fallbackToAnyEmergencyNumber": false,
                                  "emergencyNumbers": ["112", " 110 "], "testNumbers": []},
                 "location": {"patterns": ["Ort: (?<location>.+)"], "maxLength": 40}}
                """);

        assertThat(rules.dialedNumberPatterns()).extracting(Pattern::pattern).containsExactly("Nummer (?<number>\\d+)");
        assertThat(rules.fallbackToAnyEmergencyNumber()).isFalse();
        assertThat(rules.emergencyNumbers()).containsExactly("112", "110");
        assertThat(rules.testNumbers()).isEmpty();
        assertThat(rules.locationPatterns()).extracting(Pattern::pattern).containsExactly("Ort: (?<location>.+)");
        assertThat(rules.maxLocationLength()).isEqualTo(40);
    }

    @Test
    void invalidRegexNamesTheRuleAndTheProblem() {
        assertThatThrownBy(() -> DetectionRules.fromJson(
                        "{\"rules\": [{\"name\": \"ok\", \"phrases\": [\"a\"]}, {\"name\": \"broken\", \"patterns\": [\"x\", \"(unclosed\"]}]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rule 'broken': patterns[1] is not a valid regular expression: Unclosed group at index 9");
    }

    @Test
    void invalidExtractionRegexNamesTheField() {
        assertThatThrownBy(() -> DetectionRules.fromJson(
                        "{\"rules\": [{\"name\": \"r\", \"phrases\": [\"a\"]}], \"location\": {\"patterns\": [\"(?<location>[a-\"]}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("location.patterns[0] is not a valid regular expression: ");
    }

    @Test
    void extractionPatternsNeedTheirNamedGroup() {
        assertThatThrownBy(() -> DetectionRules.fromJson(
                        "{\"rules\": [{\"name\": \"r\", \"phrases\": [\"a\"]}], \"dialedNumber\": {\"patterns\": [\"dialed (\\\\d+)\"]}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dialedNumber.patterns[0]: needs a named group (?<number>...)");
    }

    @Test
    void invalidJsonSaysWhere() {
        assertThatThrownBy(() -> DetectionRules.fromJson("{\"rules\": [\n{\"name\": }]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("detection rules are not valid JSON: ")
                .hasMessageEndingWith("(line 2, column 10)");
        assertThatThrownBy(() -> DetectionRules.fromJson("[]"))
                .hasMessage("detection rules: the top level must be a JSON object");
    }

    @Test
    void mistakesAreReportedWithTheRuleName() {
        assertRejected("{\"rules\": []}", "detection rules: \"rules\" must be a non-empty list of rules");
        assertRejected("{\"rules\": [{\"phrases\": [\"a\"]}]}", "rule #1: \"name\" is required");
        assertRejected("{\"rules\": [{\"name\": \"r\"}]}", "rule 'r': needs at least one phrase or pattern");
        assertRejected("{\"rules\": [{\"name\": \"r\", \"phrases\": [\" \"]}]}", "rule 'r': a phrase is empty");
        assertRejected("{\"rules\": [{\"name\": \"r\", \"phrases\": \"a\"}]}",
                "rule 'r': \"phrases\" must be a list of strings");
        assertRejected("{\"rules\": [{\"name\": \"r\", \"phrases\": [\"a\"]}, {\"name\": \"r\", \"phrases\": [\"b\"]}]}",
                "rule 'r': the name is used by another rule");
        assertRejected("{\"rules\": [{\"name\": \"r\", \"phrases\": [\"a\"], \"importances\": [\"high\"]}]}",
                "rule 'r': unknown field \"importances\" (known fields: [chatTypes, description, importance,"
                        + " messageTypes, name, patterns, phrases, senderKinds])");
        assertRejected("{\"rules\": [{\"name\": \"r\", \"phrases\": [\"a\"], \"chatTypes\": [\"channel\"]}]}",
                "rule 'r': \"chatTypes\" has unknown value \"channel\" (allowed: [group, oneOnOne, meeting])");
        assertRejected("{\"rules\": [{\"name\": \"r\", \"phrases\": [\"a\"], \"senderKinds\": [\"bot\"]}]}",
                "rule 'r': \"senderKinds\" has unknown value \"bot\" (allowed: [user, application, device, none])");
        assertRejected("{\"rules\": [{\"name\": \"r\", \"phrases\": [\"a\"], \"importance\": []}]}",
                "rule 'r': \"importance\" is an empty list, which nothing matches; leave the field out to allow any"
                        + " value");
        assertRejected("{\"rules\": [{\"name\": \"r\", \"phrases\": [\"a\"]}], \"dialedNumber\": {\"testNumbers\": [\"9-3-3\"]}}",
                "dialedNumber.testNumbers: \"9-3-3\" is not a number (digits only)");
        assertRejected("{\"rules\": [{\"name\": \"r\", \"phrases\": [\"a\"]}], \"location\": {\"maxLength\": 0}}",
                "location.maxLength must be a whole number from 1 to 4096");
        assertRejected("{\"rules\": [{\"name\": \"r\", \"phrases\": [\"a\"]}], \"extra\": 1}",
                "detection rules: unknown field \"extra\" (known fields: [description, dialedNumber, location, rules])");
        assertRejected("{\"rules\": [{\"name\": \"r\", \"phrases\": [\"a\"]}], \"location\": []}",
                "detection rules: \"location\" must be an object");
    }

    private static void assertRejected(String json, String message) {
        assertThatThrownBy(() -> DetectionRules.fromJson(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void loadReadsAFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("rules.json"), GERMAN);
        assertThat(DetectionRules.load(good).rules()).extracting(DetectionRules.Rule::name).containsExactly("notruf-de");

        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"rules\": [{\"name\": \"r\"}]}");
        assertThatThrownBy(() -> DetectionRules.load(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(bad + ": rule 'r': needs at least one phrase or pattern");

        assertThatThrownBy(() -> DetectionRules.load(dir.resolve("missing.json")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot read detection rules from " + dir.resolve("missing.json"));
    }

    @Test
    void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
        DetectionRules original = DetectionRules.fromJson(GERMAN);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(original);
        }
        DetectionRules copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (DetectionRules) in.readObject();
        }

        DetectionRules.Rule rule = copy.rules().get(0);
        assertThat(rule.phrases()).isEqualTo(List.of("hat einen notruf getätigt"));
        assertThat(rule.patterns().get(0).matcher("notruf an 112").find()).isTrue();
        assertThat(rule.importance()).isEqualTo(Set.of("high", "urgent"));
        assertThat(copy.testNumbers()).isEqualTo(Set.of("933", "999"));
        assertThat(copy.locationPatterns()).hasSize(3);
        assertThat(copy.toString()).isEqualTo(original.toString());
    }

    @Test
    void rulePatternsAreCaseInsensitive() {
        DetectionRules rules = DetectionRules.fromJson("{\"rules\": [{\"name\": \"r\", \"patterns\": [\"NOTRUF\"]}]}");
        assertThat(rules.rules().get(0).patterns().get(0).matcher("ein notruf").find()).isTrue();
    }
}
