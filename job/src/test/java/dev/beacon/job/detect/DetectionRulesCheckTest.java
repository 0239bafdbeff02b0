package dev.beacon.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
    void anEmergencyWithoutAUserSenderIsShownAsTheDeadLetterItBecomes() throws Exception {
        Path rules = Files.writeString(dir.resolve("rules.json"), """
                {"rules": [{"name": "bot", "phrases": ["has placed an emergency call"],
                            "senderKinds": ["application", "user"]}]}""");
        Path message = Files.writeString(dir.resolve("bot.json"), ChatMessages.emergency().fromApplication().json());

        int code = DetectionRulesCheck.run(new String[] {rules.toString(), message.toString()}, out);

        assertThat(code).isEqualTo(DetectionRulesCheck.SOME_NOT_DETECTED);
        assertThat(output()).endsWith(message + ": EMERGENCY rule=bot, but the sender is an application, not a user"
                + " (no caller): dead-lettered as emergency_without_user_sender\n");
    }

    @Test
    void aMessageWithoutIdsIsShownAsTheDeadLetterItMayBecome() throws Exception {
        ObjectNode noIds = ChatMessages.emergency().node();
        noIds.remove("id");
        Path message = Files.writeString(dir.resolve("no-id.json"), noIds.toString());

        int code = DetectionRulesCheck.run(new String[] {"-", message.toString()}, out);

        assertThat(code).isEqualTo(DetectionRulesCheck.SOME_NOT_DETECTED);
        assertThat(output()).endsWith(", but the message has no id or chatId: dead-lettered as missing_message_id"
                + " unless the notification's resource names them\n");
    }

    @Test
    void aMissingCreatedTimeSaysWhereTheCallTimeComesFrom() throws Exception {
        Path message = Files.writeString(dir.resolve("no-time.json"), ChatMessages.emergency().created("").json());

        int code = DetectionRulesCheck.run(new String[] {"-", message.toString()}, out);

        assertThat(code).isEqualTo(DetectionRulesCheck.ALL_DETECTED);
        assertThat(output()).endsWith("; no valid createdDateTime: the call time is taken from the notification"
                + " (CloudEvent time, else record timestamp), else dead-lettered as missing_call_time\n");
    }

    @Test
    void aPatternThatGivesUpIsADetectionFailure() throws Exception {
        Path rules = Files.writeString(dir.resolve("rules.json"),
                "{\"rules\": [{\"name\": \"slow\", \"patterns\": [\"(.*?,){11}P\"]}]}");
        Path message = Files.writeString(dir.resolve("csv.json"),
                ChatMessages.chatter("1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,").json());

        int code = DetectionRulesCheck.run(new String[] {rules.toString(), message.toString()}, out);

        assertThat(code).isEqualTo(DetectionRulesCheck.DETECTION_FAILED);
        assertThat(output()).endsWith(message + ": DETECTION FAILED (rule 'slow': patterns[0] ran out of its read"
                + " budget): dead-lettered as detection_budget_exhausted\n");
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
