package dev.beacon.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.job.testing.ChatMessages;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionRulesCheckTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void capturedTestCallIsDetectedWithTheDefaults() throws Exception {
        Path message = Files.writeString(dir.resolve("call.json"),
                ChatMessages.emergency().text("Ada Lovelace has placed an Emergency Call to 933. Location: Lab 2").json());

        int code = DetectionRulesCheck.run(new String[] {"-", message.toString()}, out);

        assertThat(code).isEqualTo(DetectionRulesCheck.ALL_DETECTED);
        assertThat(output()).isEqualTo("rules ok: " + DetectionRules.defaults() + "\n"
                + message + ": EMERGENCY rule=teams-security-desk caller=" + ChatMessages.CALLER_ID
                + " (Ada Lovelace) dialed=933 test=true location=\"Lab 2\"\n");
    }

    @Test
    void listResponsesAreCheckedMessageByMessage() throws Exception {
        String list = "{\"value\": [" + ChatMessages.emergency().json() + ", "
                + ChatMessages.chatter("<p>hi</p>").json() + "]}";
        Path messages = Files.writeString(dir.resolve("list.json"), list);

        int code = DetectionRulesCheck.run(new String[] {"-", messages.toString()}, out);

        assertThat(code).isEqualTo(DetectionRulesCheck.SOME_NOT_DETECTED);
        assertThat(output()).endsWith(messages + " value[1]: not an emergency\n");
        assertThat(output()).contains(messages + " value[0]: EMERGENCY rule=teams-security-desk");
    }

    @Test
    void invalidRulesAreExplained() throws Exception {
        Path rules = Files.writeString(dir.resolve("rules.json"),
                "{\"rules\": [{\"name\": \"r\", \"patterns\": [\"(\"]}]}");

        int code = DetectionRulesCheck.run(new String[] {rules.toString()}, out);

        assertThat(code).isEqualTo(DetectionRulesCheck.INVALID_INPUT);
        assertThat(output()).isEqualTo("invalid rules: " + rules
                + ": rule 'r': patterns[0] is not a valid regular expression: Unclosed group at index 1\n");
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
