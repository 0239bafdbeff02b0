package dev.beacon.job.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.job.ingest.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How raw records are routed to triage instances: by chat when the record names one, else in turns. */
class ChatAffinityTest {

    private static RawRecord record(String value) {
        return new RawRecord("t", 0, 0, 0, null, new String[0], value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void findsTheChatOfAGraphCollection() {
        assertThat(ChatAffinity.chatOf(record("{\"value\":[{\"subscriptionId\":\"s\",\"changeType\":\"created\","
                + "\"resourceData\":{\"id\":\"1\"},\"resource\":\"chats('19:a@thread.v2')/messages('1')\"}]}")))
                .isEqualTo("19:a@thread.v2");
    }

    @Test
    void findsTheChatOfAStructuredCloudEventAndOfAFetchedMessage() {
        assertThat(ChatAffinity.chatOf(record("{\"specversion\":\"1.0\",\"id\":\"e\",\"data\":{\"resource\":"
                + "\"/chats/19:b@thread.v2/messages/2\"}}"))).isEqualTo("19:b@thread.v2");
        assertThat(ChatAffinity.chatOf(record("{\"kind\":\"backfill\",\"chat_id\":\"19:c@thread.v2\"}")))
                .isEqualTo("19:c@thread.v2");
        String inside = "{\"value\":[{\"resource\":\"chats('19:d@thread.v2')/messages('4')\"}]}";
        assertThat(ChatAffinity.chatOf(record("[{\"specversion\":\"1.0\",\"data_base64\":\""
                + java.util.Base64.getEncoder().encodeToString(inside.getBytes(StandardCharsets.UTF_8)) + "\"}]")))
                .isEqualTo("19:d@thread.v2");
    }

    @Test
    void recordsWithoutAChatHaveNone() {
        assertThat(ChatAffinity.chatOf(record("{\"value\":[{\"subscriptionId\":\"s\",\"lifecycleEvent\":\"missed\","
                + "\"resource\":\"/users/u/chats/getAllMessages\"}]}"))).isEqualTo("getAllMessages");
        assertThat(ChatAffinity.chatOf(record("{\"value\":[{\"subscriptionId\":\"s\",\"clientState\":\"x\"}]}")))
                .isEmpty();
        assertThat(ChatAffinity.chatOf(record("{\"value\":[{\"subscriptionId\":"))).isEmpty();
        assertThat(ChatAffinity.chatOf(record("[".repeat(5000) + "]".repeat(5000)))).isEmpty();
        assertThat(ChatAffinity.chatOf(record("not json"))).isEmpty();
        assertThat(ChatAffinity.chatOf(new RawRecord("t", 0, 0, 0, null, null, null))).isEmpty();
    }

    @Test
    void oneChatAlwaysGoesToOneInstanceAndTheRestTakeTurns() {
        ChatAffinity.ByChat partitioner = new ChatAffinity.ByChat();
        int first = partitioner.partition("19:a@thread.v2", 4);
        for (int i = 0; i < 10; i++) {
            assertThat(partitioner.partition("19:a@thread.v2", 4)).isEqualTo(first);
        }
        Set<Integer> turns = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            turns.add(partitioner.partition("", 4));
        }
        assertThat(turns).containsExactlyInAnyOrder(0, 1, 2, 3);
    }
}
