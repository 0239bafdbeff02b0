package dev.beacon.job.decode;

import dev.beacon.contracts.crypto.EncryptedContent;
import static dev.beacon.job.testing.GraphPayloads.chatMessageItem;
import static dev.beacon.job.testing.GraphPayloads.cloudEvent;
import static dev.beacon.job.testing.GraphPayloads.cloudEventBatch;
import static dev.beacon.job.testing.GraphPayloads.collection;
import static dev.beacon.job.testing.GraphPayloads.lifecycleItem;
import static dev.beacon.job.testing.GraphPayloads.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.ingest.SourceRef;
import dev.beacon.job.testing.GraphPayloads;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NotificationDecoderTest {

    private static final String SUB = "7378065f-4d0a-4c2e-9c3e-1f0b8e3c2a11";
    private static final String TENANT = "8f0bf071-2c3d-4e5f-8a9b-0c1d2e3f4a5b";
    private static final String SECRET = "s3cret-client-state";
    private static final String CHAT = "19:9c5c2f1e@unq.gbl.spaces";
    private static final String MSG = "1729760713464";
    private static final String CE_SOURCE = "/tenants/" + TENANT + "/applications/a1b2";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NotificationDecoder decoder = new NotificationDecoder(DecodeLimits.defaults());

    private static String created(String messageId) {
        return chatMessageItem(SUB, "created", SECRET, TENANT, CHAT, messageId, null);
    }

    private static SourceRef item(int index) {
        return new SourceRef(GraphPayloads.TOPIC, 0, GraphPayloads.RECORD_OFFSET, index,
                GraphPayloads.RECORD_TIMESTAMP);
    }

    private static String redacted(String json) {
        return json.replace("\"clientState\":\"" + SECRET + "\"", "\"clientState\":\"[redacted]\"")
                .replace("\"clientState\":[\"a\"]", "\"clientState\":\"[redacted]\""); // any value goes
    }

    private static ChangeNotification ok(DecodeResult result, int index) {
        assertThat(result.failed()).as("record failed: %s", result.failureDetail()).isFalse();
        assertThat(result.items().get(index)).isInstanceOf(DecodedItem.Ok.class);
        return ((DecodedItem.Ok) result.items().get(index)).notification();
    }

    private static DecodedItem.Invalid invalid(DecodeResult result, int index) {
        assertThat(result.failed()).isFalse();
        assertThat(result.items().get(index)).isInstanceOf(DecodedItem.Invalid.class);
        return (DecodedItem.Invalid) result.items().get(index);
    }

    private static void assertRecordFailure(DecodeResult result, DeadLetterReason reason, String detail) {
        assertThat(result.failed()).isTrue();
        assertThat(result.items()).isEmpty();
        assertThat(result.source()).isEqualTo(item(SourceRef.WHOLE_RECORD));
        assertThat(result.failure()).isEqualTo(reason);
        assertThat(result.failureDetail()).isEqualTo(detail);
    }

    private static String withoutField(String json, String field) throws Exception {
        ObjectNode node = (ObjectNode) JSON.readTree(json);
        node.remove(field);
        return JSON.writeValueAsString(node);
    }

    private static String withField(String json, String field, JsonNode value) throws Exception {
        ObjectNode node = (ObjectNode) JSON.readTree(json);
        node.set(field, value);
        return JSON.writeValueAsString(node);
    }

    @Nested
    class GraphCollections {

        @Test
        void decodesABasicChatMessageNotification() {
            DecodeResult result = decoder.decode(record(collection(created(MSG))));

            assertThat(result.items()).hasSize(1);
            ChangeNotification n = ok(result, 0);
            assertThat(n.source()).isEqualTo(item(0));
            assertThat(n.channel()).isEqualTo(ChangeNotification.GRAPH);
            assertThat(n.subscriptionId()).isEqualTo(SUB);
            assertThat(n.changeType()).isEqualTo("created");
            assertThat(n.clientState()).isEqualTo(SECRET);
            assertThat(n.tenantId()).isEqualTo(TENANT);
            assertThat(n.resource()).isEqualTo("chats('" + CHAT + "')/messages('" + MSG + "')");
            assertThat(n.chatId()).isEqualTo(CHAT);
            assertThat(n.messageId()).isEqualTo(MSG);
            assertThat(n.odataType()).isEqualTo("#Microsoft.Graph.chatMessage");
            assertThat(n.lifecycleEvent()).isNull();
            assertThat(n.subscriptionExpiration()).isEqualTo(GraphPayloads.EXPIRATION);
            assertThat(n.encryptedContent()).isNull();
            assertThat(n.cloudEventId()).isNull();
            assertThat(n.cloudEventType()).isNull();
            assertThat(n.isValidation()).isFalse();
            assertThat(n.isLifecycle()).isFalse();
            assertThat(n.hasResourceData()).isFalse();
            assertThat(n.node().get("subscriptionId").textValue()).isEqualTo(SUB);
        }

        @Test
        void keepsTheEncryptedContentOfARichNotification() {
            EncryptedContent encrypted = new EncryptedContent("ZGF0YQ==", "c2ln", "a2V5", "cert-1", "AB12");
            DecodeResult result = decoder.decode(
                    record(collection(chatMessageItem(SUB, "updated", SECRET, TENANT, CHAT, MSG, encrypted))));

            ChangeNotification n = ok(result, 0);
            assertThat(n.encryptedContent()).isEqualTo(encrypted);
            assertThat(n.hasResourceData()).isTrue();
            assertThat(n.changeType()).isEqualTo("updated");
        }

        @Test
        void acceptsEncryptedContentWithoutSignatureSoTheDecryptorCanRejectIt() throws Exception {
            String item = "{\"subscriptionId\":\"" + SUB + "\",\"changeType\":\"created\",\"resource\":\"chats('c')"
                    + "/messages('m')\",\"encryptedContent\":{\"data\":\"ZA==\",\"dataKey\":\"aw==\","
                    + "\"encryptionCertificateId\":\"cert-1\"}}";

            ChangeNotification n = ok(decoder.decode(record(collection(item))), 0);

            assertThat(n.encryptedContent()).isEqualTo(new EncryptedContent("ZA==", null, "aw==", "cert-1", null));
        }

        @Test
        void aCollectionMixingValidValidationLifecycleAndBrokenItemsLosesNothingValid() {
            String brokenNoResource = "{\"subscriptionId\":\"" + SUB + "\",\"changeType\":\"created\"}";
            String brokenChangeType = chatMessageItem(SUB, "moved", SECRET, TENANT, CHAT, "2", null);
            String value = collection(
                    created("1"),
                    GraphPayloads.validationItem(),
                    lifecycleItem(SUB, TENANT, SECRET, "reauthorizationRequired"),
                    "42",
                    brokenNoResource,
                    brokenChangeType,
                    chatMessageItem(SUB, "deleted", SECRET, TENANT, CHAT, "3", null));

            DecodeResult result = decoder.decode(record(value));

            assertThat(result.items()).hasSize(7);
            for (int i = 0; i < 7; i++) {
                assertThat(result.items().get(i).source()).isEqualTo(item(i));
            }
            assertThat(ok(result, 0).messageId()).isEqualTo("1");
            assertThat(ok(result, 1).isValidation()).isTrue();
            assertThat(ok(result, 2).isLifecycle()).isTrue();
            assertThat(ok(result, 2).lifecycleEvent()).isEqualTo("reauthorizationRequired");
            assertThat(invalid(result, 3))
                    .isEqualTo(new DecodedItem.Invalid(item(3), DeadLetterReason.INVALID_NOTIFICATION,
                            "notification is a number, not an object", "42", false));
            assertThat(invalid(result, 4))
                    .isEqualTo(new DecodedItem.Invalid(item(4), DeadLetterReason.INVALID_NOTIFICATION,
                            "missing or empty resource", brokenNoResource, false));
            assertThat(invalid(result, 5))
                    .isEqualTo(new DecodedItem.Invalid(item(5), DeadLetterReason.INVALID_NOTIFICATION,
                            "changeType \"moved\" is not created, updated or deleted", redacted(brokenChangeType),
                            false));
            assertThat(ok(result, 6).changeType()).isEqualTo("deleted");
            assertThat(ok(result, 6).messageId()).isEqualTo("3");
        }

        @Test
        void decodesTheValidationRecordGraphWritesForANewSubscription() {
            ChangeNotification n = ok(decoder.decode(record(GraphPayloads.validationRecord())), 0);

            assertThat(n.isValidation()).isTrue();
            assertThat(n.subscriptionId()).isEqualTo("NA");
            assertThat(n.changeType()).startsWith("Validation: Testing client application reachability");
            assertThat(n.chatId()).isNull();
            assertThat(n.messageId()).isNull();
        }

        @Test
        void aValidationChangeTypeNeedsNoOtherField() {
            ChangeNotification n = ok(decoder.decode(record(collection(
                    "{\"changeType\":\"Validation: Testing client application reachability\"}"))), 0);

            assertThat(n.isValidation()).isTrue();
            assertThat(n.subscriptionId()).isNull();
        }

        @Test
        void decodesLifecycleNotifications() {
            ChangeNotification n = ok(decoder.decode(record(collection(
                    lifecycleItem(SUB, TENANT, SECRET, "subscriptionRemoved")))), 0);

            assertThat(n.isLifecycle()).isTrue();
            assertThat(n.lifecycleEvent()).isEqualTo("subscriptionRemoved");
            assertThat(n.subscriptionId()).isEqualTo(SUB);
            assertThat(n.tenantId()).isEqualTo(TENANT);
            assertThat(n.clientState()).isEqualTo(SECRET);
            assertThat(n.resource()).isNull();
            assertThat(n.changeType()).isNull();
        }

        @Test
        void aLifecycleNotificationNeedsASubscriptionId() {
            String item = "{\"lifecycleEvent\":\"missed\",\"tenantId\":\"" + TENANT + "\"}";

            DecodedItem.Invalid bad = invalid(decoder.decode(record(collection(item))), 0);

            assertThat(bad.reason()).isEqualTo(DeadLetterReason.INVALID_NOTIFICATION);
            assertThat(bad.detail()).isEqualTo("missing or empty subscriptionId");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', nullValues = "null", value = {
            "chats('19:9c5c@unq.gbl.spaces')/messages('1729760713464') | 19:9c5c@unq.gbl.spaces | 1729760713464",
            "chats/19:abc@thread.v2/messages/123                        | 19:abc@thread.v2       | 123",
            "/chats('19:abc@thread.v2')/messages('123')                 | 19:abc@thread.v2       | 123",
            "teams('t1')/channels('19:c@thread.tacv2')/messages('m1')   | 19:c@thread.tacv2      | m1",
            "teams('t1')/channels('c1')/messages('m1')/replies('r1')    | c1                     | r1",
            "users('u1')/chats('19:x@thread.v2')/messages('77')         | 19:x@thread.v2         | 77",
            "Chats('19:x@thread.v2')/Messages('77')                     | 19:x@thread.v2         | 77",
            "users/u1/events/e1                                         | null                   | rd-id",
        })
        void readsChatAndMessageIdsFromEveryResourceStyle(String resource, String chatId, String messageId) {
            String item = "{\"subscriptionId\":\"" + SUB + "\",\"changeType\":\"created\",\"resource\":\"" + resource
                    + "\",\"resourceData\":{\"id\":\"rd-id\"}}";

            ChangeNotification n = ok(decoder.decode(record(collection(item))), 0);

            assertThat(n.chatId()).isEqualTo(chatId);
            assertThat(n.messageId()).isEqualTo(messageId);
        }

        @Test
        void fallsBackToTheODataIdAndThenToTheResourceDataId() {
            String fromODataId = "{\"subscriptionId\":\"" + SUB + "\",\"changeType\":\"created\",\"resource\":\"x\","
                    + "\"resourceData\":{\"@odata.type\":\"#microsoft.graph.ChatMessage\","
                    + "\"@odata.id\":\"chats/19:a@thread.v2/messages/55\",\"id\":\"99\"}}";
            String chatOnly = "{\"subscriptionId\":\"" + SUB + "\",\"changeType\":\"created\","
                    + "\"resource\":\"chats('19:a@thread.v2')\",\"resourceData\":{\"@odata.type\":"
                    + "\"#MICROSOFT.GRAPH.CHATMESSAGE\",\"id\":\"99\"}}";
            String aChatNotAMessage = "{\"subscriptionId\":\"" + SUB + "\",\"changeType\":\"updated\","
                    + "\"resource\":\"chats('19:a@thread.v2')\",\"resourceData\":{\"@odata.type\":"
                    + "\"#Microsoft.Graph.chat\",\"id\":\"19:a@thread.v2\"}}";

            DecodeResult result = decoder.decode(record(collection(fromODataId, chatOnly, aChatNotAMessage)));

            assertThat(ok(result, 0).chatId()).isEqualTo("19:a@thread.v2");
            assertThat(ok(result, 0).messageId()).isEqualTo("55");
            assertThat(ok(result, 0).odataType()).isEqualTo("#microsoft.graph.ChatMessage");
            assertThat(ok(result, 1).chatId()).isEqualTo("19:a@thread.v2");
            assertThat(ok(result, 1).messageId()).isEqualTo("99");
            assertThat(ok(result, 2).chatId()).isEqualTo("19:a@thread.v2");
            assertThat(ok(result, 2).messageId()).isNull();
        }

        @Test
        void fallsBackToOrganizationIdForTheTenant() {
            String top = "{\"subscriptionId\":\"s\",\"changeType\":\"created\","
                    + "\"resource\":\"chats('c')/messages('m')\",\"organizationId\":\"org-top\"}";
            String inResourceData = "{\"subscriptionId\":\"s\",\"changeType\":\"created\","
                    + "\"resource\":\"chats('c')/messages('m')\",\"resourceData\":{\"organizationId\":\"org-rd\"}}";
            String both = "{\"subscriptionId\":\"s\",\"changeType\":\"created\","
                    + "\"resource\":\"chats('c')/messages('m')\",\"tenantId\":\"tenant\","
                    + "\"organizationId\":\"org-top\"}";

            DecodeResult result = decoder.decode(record(collection(top, inResourceData, both)));

            assertThat(ok(result, 0).tenantId()).isEqualTo("org-top");
            assertThat(ok(result, 1).tenantId()).isEqualTo("org-rd");
            assertThat(ok(result, 2).tenantId()).isEqualTo("tenant");
        }

        @Test
        void normalisesTheChangeTypeToLowerCase() {
            String item = chatMessageItem(SUB, "Updated", SECRET, TENANT, CHAT, MSG, null);

            assertThat(ok(decoder.decode(record(collection(item))), 0).changeType()).isEqualTo("updated");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "subscriptionId  | 42          | subscriptionId is a number, not a string",
            "changeType      | true        | changeType is a boolean, not a string",
            "clientState     | [\"a\"]     | clientState is an array, not a string",
            "resource        | {}          | resource is an object, not a string",
            "resourceData    | \"x\"       | resourceData is a string, not an object",
            "encryptedContent| \"x\"       | encryptedContent is a string, not an object",
            "encryptedContent| {\"data\":\"ZA==\"} | missing or empty encryptedContent.dataKey",
            "encryptedContent| {\"data\":1,\"dataKey\":\"aw==\",\"encryptionCertificateId\":\"c\"} "
                    + "| encryptedContent.data is a number, not a string",
            "encryptedContent| {\"data\":\"ZA==\",\"dataKey\":\"aw==\"} "
                    + "| missing or empty encryptedContent.encryptionCertificateId",
            "subscriptionId  | \"\"        | missing or empty subscriptionId",
            "changeType      | null        | missing or empty changeType",
            "lifecycleEvent  | \" \"       | missing or empty lifecycleEvent",
        })
        void rejectsAnItemWithAMissingOrWrongTypedField(String field, String valueJson, String detail)
                throws Exception {
            String item = withField(created(MSG), field, JSON.readTree(valueJson));

            DecodeResult result = decoder.decode(record(collection(created("1"), item)));

            assertThat(ok(result, 0).messageId()).isEqualTo("1");
            assertThat(invalid(result, 1)).isEqualTo(new DecodedItem.Invalid(item(1),
                    DeadLetterReason.INVALID_NOTIFICATION, detail, redacted(item), false));
        }

        @Test
        void anEmptyCollectionIsAnInvalidRecord() {
            assertRecordFailure(decoder.decode(record("{\"value\":[]}")), DeadLetterReason.INVALID_NOTIFICATION,
                    "notification collection is empty");
        }
    }

    @Nested
    class CloudEvents {

        private static final String CREATED_TYPE = "Microsoft.Graph.ChatMessageCreated";

        @Test
        void decodesAStructuredEvent() {
            String event = cloudEvent("ev-1", CREATED_TYPE, CE_SOURCE, created(MSG));

            DecodeResult result = decoder.decode(record(event));

            assertThat(result.items()).hasSize(1);
            ChangeNotification n = ok(result, 0);
            assertThat(n.source()).isEqualTo(item(0));
            assertThat(n.channel()).isEqualTo(ChangeNotification.CLOUDEVENTS);
            assertThat(n.cloudEventId()).isEqualTo("ev-1");
            assertThat(n.cloudEventType()).isEqualTo(CREATED_TYPE);
            assertThat(n.subscriptionId()).isEqualTo(SUB);
            assertThat(n.changeType()).isEqualTo("created");
            assertThat(n.clientState()).isEqualTo(SECRET);
            assertThat(n.chatId()).isEqualTo(CHAT);
            assertThat(n.messageId()).isEqualTo(MSG);
            assertThat(n.node().toString()).isEqualTo(created(MSG));
        }

        @ParameterizedTest
        @CsvSource({
            "Microsoft.Graph.ChatMessageCreated, created",
            "Microsoft.Graph.ChatMessageUpdated, updated",
            "Microsoft.Graph.ChatMessageDeleted, deleted",
        })
        void derivesTheChangeTypeFromTheEventTypeWhenDataLacksIt(String type, String changeType) throws Exception {
            String data = withoutField(created(MSG), "changeType");

            assertThat(ok(decoder.decode(record(cloudEvent("ev-1", type, CE_SOURCE, data))), 0).changeType())
                    .isEqualTo(changeType);
        }

        @Test
        void theDataChangeTypeWinsOverTheEventType() {
            String data = chatMessageItem(SUB, "updated", SECRET, TENANT, CHAT, MSG, null);

            assertThat(ok(decoder.decode(record(cloudEvent("ev-1", CREATED_TYPE, CE_SOURCE, data))), 0).changeType())
                    .isEqualTo("updated");
        }

        @Test
        void anUnknownEventTypeGivesNoChangeType() throws Exception {
            String data = withoutField(created(MSG), "changeType");

            DecodedItem.Invalid bad = invalid(
                    decoder.decode(record(cloudEvent("ev-1", "Microsoft.Graph.Something", CE_SOURCE, data))), 0);

            assertThat(bad.detail()).isEqualTo("missing or empty changeType");
        }

        @Test
        void decodesABatchNumberingNotificationsAcrossEvents() throws Exception {
            String valid = cloudEvent("ev-1", CREATED_TYPE, CE_SOURCE, created("1"));
            String oldSpec = withField(cloudEvent("ev-2", CREATED_TYPE, CE_SOURCE, created("2")), "specversion",
                    JSON.readTree("\"0.3\""));
            String base64 = withField(
                    withoutField(cloudEvent("ev-3", CREATED_TYPE, CE_SOURCE, created("3")), "data"),
                    "data_base64",
                    JSON.getNodeFactory().textNode(Base64.getEncoder().encodeToString(
                            created("3").getBytes(StandardCharsets.UTF_8))));
            String twoItems = cloudEvent("ev-4", CREATED_TYPE, CE_SOURCE, collection(created("4"), created("5")));
            String brokenItem = cloudEvent("ev-5", CREATED_TYPE, CE_SOURCE, "{\"subscriptionId\":\"s\"}");

            DecodeResult result = decoder.decode(record(cloudEventBatch(valid, oldSpec, "7", base64, twoItems,
                    brokenItem)));

            assertThat(result.items()).hasSize(7);
            for (int i = 0; i < 7; i++) {
                assertThat(result.items().get(i).source()).isEqualTo(item(i));
            }
            assertThat(ok(result, 0).messageId()).isEqualTo("1");
            assertThat(ok(result, 0).cloudEventId()).isEqualTo("ev-1");
            assertThat(invalid(result, 1)).isEqualTo(new DecodedItem.Invalid(item(1),
                    DeadLetterReason.INVALID_CLOUDEVENT, "specversion is \"0.3\", not \"1.0\"", redacted(oldSpec),
                    false));
            assertThat(invalid(result, 2)).isEqualTo(new DecodedItem.Invalid(item(2),
                    DeadLetterReason.INVALID_CLOUDEVENT, "event is a number, not an object", "7", false));
            assertThat(ok(result, 3).messageId()).isEqualTo("3");
            assertThat(ok(result, 3).cloudEventId()).isEqualTo("ev-3");
            assertThat(ok(result, 4).messageId()).isEqualTo("4");
            assertThat(ok(result, 5).messageId()).isEqualTo("5");
            assertThat(ok(result, 5).cloudEventId()).isEqualTo("ev-4");
            assertThat(invalid(result, 6).reason()).isEqualTo(DeadLetterReason.INVALID_NOTIFICATION);
            assertThat(invalid(result, 6).detail()).isEqualTo("missing or empty resource");
            assertThat(invalid(result, 6).raw()).isEqualTo("{\"subscriptionId\":\"s\"}");
        }

        @Test
        void decodesBinaryModeFromHeaders() {
            RawRecord single = record(created(MSG), "ce_specversion", "1.0", "ce_id", "ev-9", "ce_type",
                    CREATED_TYPE, "ce_source", CE_SOURCE, "ce_time", "2024-10-24T09:05:13.464Z", "content-type",
                    "application/json; charset=utf-8");
            RawRecord twoItems = record(collection(created("1"), created("2")), "ce_specversion", "1.0", "ce_id",
                    "ev-10", "ce_type", CREATED_TYPE, "ce_source", CE_SOURCE);

            ChangeNotification n = ok(decoder.decode(single), 0);
            DecodeResult both = decoder.decode(twoItems);

            assertThat(n.channel()).isEqualTo(ChangeNotification.CLOUDEVENTS);
            assertThat(n.cloudEventId()).isEqualTo("ev-9");
            assertThat(n.cloudEventType()).isEqualTo(CREATED_TYPE);
            assertThat(n.source()).isEqualTo(item(0));
            assertThat(n.messageId()).isEqualTo(MSG);
            assertThat(both.items()).hasSize(2);
            assertThat(ok(both, 1).source()).isEqualTo(item(1));
            assertThat(ok(both, 1).messageId()).isEqualTo("2");
            assertThat(ok(both, 1).cloudEventId()).isEqualTo("ev-10");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "ce_specversion | 0.3              | specversion is \"0.3\", not \"1.0\"",
            "ce_id          | ''               | missing or empty id",
            "ce_source      | ' '              | missing or empty source",
            "ce_time        | yesterday        | time is not an RFC 3339 timestamp",
            "content-type   | text/plain       | content type \"text/plain\" is not JSON",
        })
        void rejectsABinaryModeRecordWithBadAttributes(String header, String value, String detail) {
            String[] headers = {"ce_specversion", "1.0", "ce_id", "ev-9", "ce_type", CREATED_TYPE, "ce_source",
                CE_SOURCE, "ce_time", "2024-10-24T09:05:13Z", "content-type", "application/json"};
            for (int i = 0; i < headers.length; i += 2) {
                if (headers[i].equals(header)) {
                    headers[i + 1] = value;
                }
            }

            assertRecordFailure(decoder.decode(record(created(MSG), headers)), DeadLetterReason.INVALID_CLOUDEVENT,
                    detail);
        }

        @Test
        void binaryModeDataMustBeANotification() {
            RawRecord notAnObject = record("[1,2]", "ce_specversion", "1.0", "ce_id", "ev-9", "ce_type",
                    CREATED_TYPE, "ce_source", CE_SOURCE);

            assertRecordFailure(decoder.decode(notAnObject), DeadLetterReason.INVALID_CLOUDEVENT,
                    "event data is an array, not a change notification");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "source          | null                | missing or empty source",
            "id              | 17                  | id is a number, not a string",
            "type            | \"\"                | missing or empty type",
            "time            | \"10/24/2024\"      | time is not an RFC 3339 timestamp",
            "datacontenttype | \"application/xml\" | content type \"application/xml\" is not JSON",
            "subject         | []                  | subject is an array, not a string",
            "data            | null                | event has no data",
            "data            | \"text\"            | event data is a string, not a change notification",
            "data_base64     | \"eyJ2YWx1ZSI6W119\" | event has both data and data_base64",
        })
        void rejectsASingleStructuredEventWithBadAttributesAsAWhole(String field, String valueJson, String detail)
                throws Exception {
            String event = withField(cloudEvent("ev-1", CREATED_TYPE, CE_SOURCE, created(MSG)), field,
                    JSON.readTree(valueJson));

            DecodeResult result = decoder.decode(record(event));

            assertRecordFailure(result, DeadLetterReason.INVALID_CLOUDEVENT, detail);
            assertThat(result.failureRaw()).isEqualTo(redacted(event));
            assertThat(result.failureRawTruncated()).isFalse();
        }

        @Test
        void dataBase64MustBeBase64() throws Exception {
            String event = withField(withoutField(cloudEvent("ev-1", CREATED_TYPE, CE_SOURCE, "{}"), "data"),
                    "data_base64", JSON.getNodeFactory().textNode("not base64!"));

            assertRecordFailure(decoder.decode(record(event)), DeadLetterReason.INVALID_CLOUDEVENT,
                    "data_base64 is not valid base64");
        }

        @Test
        void dataBase64MustHoldJson() throws Exception {
            String event = withField(withoutField(cloudEvent("ev-1", CREATED_TYPE, CE_SOURCE, "{}"), "data"),
                    "data_base64", JSON.getNodeFactory().textNode("bm90IGpzb24="));

            assertRecordFailure(decoder.decode(record(event)), DeadLetterReason.MALFORMED_JSON,
                    "not valid JSON at line 1, column 1");
        }

        @Test
        void anEmptyBatchIsAnInvalidRecord() {
            assertRecordFailure(decoder.decode(record("[]")), DeadLetterReason.INVALID_CLOUDEVENT,
                    "CloudEvents batch is empty");
        }
    }

    @Nested
    class RecordLevelFailures {

        @Test
        void anEmptyValueIsMalformed() {
            assertRecordFailure(decoder.decode(record(new byte[0])), DeadLetterReason.MALFORMED_JSON, "empty record");
            assertRecordFailure(decoder.decode(record((byte[]) null)), DeadLetterReason.MALFORMED_JSON,
                    "empty record");
        }

        @Test
        void whitespaceOnlyIsMalformed() {
            assertRecordFailure(decoder.decode(record("  \n ")), DeadLetterReason.MALFORMED_JSON, "no JSON value");
        }

        @Test
        void anOversizedRecordIsRejectedBeforeParsing() {
            NotificationDecoder small = new NotificationDecoder(new DecodeLimits(100, 64, 1000, 30));
            // Not even JSON: the size check comes first.
            String value = "{\"clientState\":\"" + SECRET + "\"," + "x".repeat(200);

            DecodeResult result = small.decode(record(value));

            assertRecordFailure(result, DeadLetterReason.OVERSIZED,
                    "record of " + value.length() + " bytes exceeds the limit of 100");
            assertThat(result.failureRaw()).isEqualTo("{\"clientState\":\"[redacted]\",xx");
            assertThat(result.failureRaw()).hasSize(30);
            assertThat(result.failureRawTruncated()).isTrue();
        }

        @Test
        void aRecordAtTheSizeLimitIsDecoded() {
            String value = collection(created(MSG));
            NotificationDecoder exact = new NotificationDecoder(new DecodeLimits(value.length(), 64, 1000, 100));

            assertThat(ok(exact.decode(record(value)), 0).messageId()).isEqualTo(MSG);
            assertThat(exact.decode(record(value + " ")).failure()).isEqualTo(DeadLetterReason.OVERSIZED);
        }

        @Test
        void moreItemsThanTheLimitIsOversized() {
            NotificationDecoder two = new NotificationDecoder(new DecodeLimits(1 << 20, 64, 2, 1000));
            String batchOfFour = cloudEventBatch(
                    cloudEvent("e1", "Microsoft.Graph.ChatMessageCreated", CE_SOURCE, created("1")),
                    cloudEvent("e2", "Microsoft.Graph.ChatMessageCreated", CE_SOURCE,
                            collection(created("2"), created("3"), created("4"))));

            assertRecordFailure(two.decode(record(collection(created("1"), created("2"), created("3")))),
                    DeadLetterReason.OVERSIZED, "3 notifications exceed the limit of 2 per record");
            assertRecordFailure(two.decode(record(batchOfFour)), DeadLetterReason.OVERSIZED,
                    "3 notifications exceed the limit of 2 per record");
            assertThat(two.decode(record(collection(created("1"), created("2")))).items()).hasSize(2);
        }

        @Test
        void theItemLimitCountsNotificationsAcrossABatch() {
            NotificationDecoder three = new NotificationDecoder(new DecodeLimits(1 << 20, 64, 3, 1000));
            String batch = cloudEventBatch(
                    cloudEvent("e1", "Microsoft.Graph.ChatMessageCreated", CE_SOURCE,
                            collection(created("1"), created("2"))),
                    cloudEvent("e2", "Microsoft.Graph.ChatMessageCreated", CE_SOURCE,
                            collection(created("3"), created("4"))));

            assertRecordFailure(three.decode(record(batch)), DeadLetterReason.OVERSIZED,
                    "more than 3 notifications in one record");
        }

        @Test
        void tenThousandNestedArraysAreTooDeeplyNested() {
            String value = "{\"value\":[" + "[".repeat(10_000) + "]".repeat(10_000) + "]}";

            DecodeResult result = decoder.decode(record(value));

            assertRecordFailure(result, DeadLetterReason.TOO_DEEPLY_NESTED, "JSON nested deeper than 64 levels");
            assertThat(result.failureRaw()).isEqualTo(value);
            assertThat(result.failureRawTruncated()).isFalse();
        }

        @Test
        void theNestingLimitIsExact() {
            // Root object, value array and item object are 3 levels; 61 more arrays make 64.
            String atLimit = collection(created(MSG).replaceFirst("^\\{",
                    "{\"deep\":" + "[".repeat(61) + "]".repeat(61) + ","));
            String overLimit = collection(created(MSG).replaceFirst("^\\{",
                    "{\"deep\":" + "[".repeat(62) + "]".repeat(62) + ","));

            assertThat(ok(decoder.decode(record(atLimit)), 0).messageId()).isEqualTo(MSG);
            assertThat(decoder.decode(record(overLimit)).failure()).isEqualTo(DeadLetterReason.TOO_DEEPLY_NESTED);
        }

        @Test
        void garbageBytesAreMalformed() {
            byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0x00, 0x01, (byte) 0xc3, 0x28, 0x7b};

            DecodeResult result = decoder.decode(record(garbage));

            assertThat(result.failed()).isTrue();
            assertThat(result.failure()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
            assertThat(result.failureDetail()).isEqualTo("not well-formed UTF-8 at byte 0");
        }

        @Test
        void malformedJsonDetailsNeverQuoteTheInput() {
            String value = "{\"value\":[{\"clientState\":\"" + SECRET + "\" hunter2";

            DecodeResult result = decoder.decode(record(value));

            assertRecordFailure(result, DeadLetterReason.MALFORMED_JSON, "not valid JSON at line 1, column 48");
            assertThat(result.failureRaw()).isEqualTo("{\"value\":[{\"clientState\":\"[redacted]\" hunter2");
        }

        @Test
        void trailingContentAndDuplicateKeysAreMalformed() {
            assertThat(decoder.decode(record(collection(created(MSG)) + " {}")).failure())
                    .isEqualTo(DeadLetterReason.MALFORMED_JSON);
            assertThat(decoder.decode(record(collection(created(MSG).replaceFirst("^\\{",
                    "{\"clientState\":\"other\",")))).failure())
                    .isEqualTo(DeadLetterReason.MALFORMED_JSON);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "{\"foo\":1}                  | an object is neither a Graph notification collection nor a CloudEvent",
            "{\"value\":{\"a\":1}}        | an object is neither a Graph notification collection nor a CloudEvent",
            "\"hello\"                    | a string is neither a Graph notification collection nor a CloudEvent",
            "12                           | a number is neither a Graph notification collection nor a CloudEvent",
            "null                         | null is neither a Graph notification collection nor a CloudEvent",
        })
        void anythingElseIsAnUnrecognizedEnvelope(String value, String detail) {
            DecodeResult result = decoder.decode(record(value));

            assertRecordFailure(result, DeadLetterReason.UNRECOGNIZED_ENVELOPE, detail);
            assertThat(result.failureRaw()).isEqualTo(value);
            assertThat(result.failureDeadLetter(5L)).isEqualTo(new DeadLetter(item(SourceRef.WHOLE_RECORD),
                    DeadLetterReason.UNRECOGNIZED_ENVELOPE, detail, value, false, 5L));
        }
    }

    @Nested
    class DeadLettersAndSecrets {

        @Test
        void invalidItemRawIsCutToTheLimit() {
            NotificationDecoder small = new NotificationDecoder(new DecodeLimits(1 << 20, 64, 1000, 20));
            String item = "{\"subscriptionId\":\"" + SUB + "\"}";

            DecodedItem.Invalid bad = invalid(small.decode(record(collection(item))), 0);

            assertThat(bad.raw()).isEqualTo(item.substring(0, 20));
            assertThat(bad.rawTruncated()).isTrue();
            assertThat(bad.toDeadLetter(9L)).isEqualTo(new DeadLetter(item(0), DeadLetterReason.INVALID_NOTIFICATION,
                    "missing or empty resource", item.substring(0, 20), true, 9L));
        }

        @Test
        void buildsDeadLettersForLaterFailuresWithoutTheClientState() {
            ChangeNotification n = ok(decoder.decode(record(collection(created(MSG)))), 0);

            DeadLetter letter = decoder.deadLetter(n, DeadLetterReason.CLIENT_STATE_MISMATCH, "clientState rejected",
                    7L);

            assertThat(letter).isEqualTo(new DeadLetter(item(0), DeadLetterReason.CLIENT_STATE_MISMATCH,
                    "clientState rejected", redacted(created(MSG)), false, 7L));
            assertThat(letter.raw()).doesNotContain(SECRET);
        }

        @Test
        void toStringNeverShowsTheClientStateOrTheItem() {
            ChangeNotification n = ok(decoder.decode(record(collection(
                    chatMessageItem(SUB, "created", SECRET, TENANT, CHAT, MSG,
                            new EncryptedContent("ZGF0YQ==", "c2ln", "a2V5", "cert-1", "AB12"))))), 0);

            assertThat(n.toString())
                    .isEqualTo("ChangeNotification{" + item(0) + " graph, subscription=" + SUB
                            + ", changeType=created, tenant=" + TENANT + ", chat=" + CHAT + ", message=" + MSG
                            + ", encrypted=true}")
                    .doesNotContain(SECRET)
                    .doesNotContain("ZGF0YQ==");
        }
    }

    @Nested
    class ParseJsonObject {

        @Test
        void parsesAnObject() throws Exception {
            JsonNode node = decoder.parseJsonObject("{\"id\":\"1\",\"body\":{\"content\":\"911\"}}"
                    .getBytes(StandardCharsets.UTF_8));

            assertThat(node.path("body").path("content").textValue()).isEqualTo("911");
        }

        @Test
        void rejectsWhatIsNotAnObjectWithoutQuotingIt() {
            assertRejected("[\"call 911\"]", "JSON is an array, not an object");
            assertRejected("{\"content\": call 911}", "not valid JSON at line 1, column 13");
            assertRejected("", "empty JSON");
            assertRejected("{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}", "JSON nested deeper than 64 levels");
        }

        @Test
        void appliesTheRecordSizeLimit() {
            NotificationDecoder small = new NotificationDecoder(new DecodeLimits(10, 64, 1000, 100));

            assertThatThrownBy(() -> small.parseJsonObject("{\"a\":\"0123456789\"}".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(JsonRejectedException.class)
                    .hasMessage("JSON of 18 bytes exceeds the limit of 10");
        }

        private void assertRejected(String json, String message) {
            assertThatThrownBy(() -> decoder.parseJsonObject(json.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(JsonRejectedException.class)
                    .hasMessage(message);
        }
    }

    /** Enumerations match one spelling (ASCII case aside); ids and enumerations hold no control character. */
    @Nested
    class StrictValues {

        /** Table cells spell invisible characters by name. */
        private static String unescape(String cell) {
            return cell.replace("{NUL}", "\u0000").replace("{TAB}", "\t").replace("{ESC}", "\u001b")
                    .replace("{DOTTED_I}", "\u0130").replace("{NBSP}", "\u00a0");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "created            | created",
            "Updated            | updated",
            "DELETED            | deleted",
            "created{NUL}       | changeType contains a control character (U+0000)",
            "{ESC}created       | changeType contains a control character (U+001B)",
            "' created'         | changeType contains whitespace (U+0020)",
            "created{NBSP}      | changeType contains whitespace (U+00A0)",
            "cre{DOTTED_I}ated  | changeType contains a non-ASCII character (U+0130)",
            "moved              | changeType \"moved\" is not created, updated or deleted",
            "createdd           | changeType \"createdd\" is not created, updated or deleted",
        })
        void changeTypeMatchesExactlyIgnoringAsciiCase(String given, String expected) throws Exception {
            String item = withField(created(MSG), "changeType", JSON.getNodeFactory().textNode(unescape(given)));

            DecodedItem decoded = decoder.decode(record(collection(item))).items().get(0);

            if (decoded instanceof DecodedItem.Ok ok) {
                assertThat(ok.notification().changeType()).isEqualTo(expected);
            } else {
                assertThat(decoded).isEqualTo(new DecodedItem.Invalid(item(0), DeadLetterReason.INVALID_NOTIFICATION,
                        expected, redacted(item), false));
            }
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "reauthorizationRequired       | reauthorizationRequired",
            "REAUTHORIZATIONREQUIRED       | reauthorizationRequired",
            "subscriptionRemoved           | subscriptionRemoved",
            "Missed                        | missed",
            "missed{TAB}                   | lifecycleEvent contains a control character (U+0009)",
            "missed{NUL}                   | lifecycleEvent contains a control character (U+0000)",
            "reauthor{DOTTED_I}zationRequired | lifecycleEvent contains a non-ASCII character (U+0130)",
            "subscriptionDeleted           | lifecycleEvent \"subscriptionDeleted\" is not reauthorizationRequired,"
                    + " subscriptionRemoved or missed",
        })
        void lifecycleEventMatchesExactlyIgnoringAsciiCase(String given, String expected) {
            String item = lifecycleItem(SUB, TENANT, SECRET, unescape(given));

            DecodedItem decoded = decoder.decode(record(collection(item))).items().get(0);

            if (decoded instanceof DecodedItem.Ok ok) {
                assertThat(ok.notification().lifecycleEvent()).isEqualTo(expected);
            } else {
                assertThat(decoded).isEqualTo(new DecodedItem.Invalid(item(0), DeadLetterReason.INVALID_NOTIFICATION,
                        expected, redacted(item), false));
            }
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "subscriptionId | s{NUL}              | subscriptionId contains a control character (U+0000)",
            "tenantId       | t{ESC}[31m          | tenantId contains a control character (U+001B)",
            "organizationId | org{NUL}            | organizationId contains a control character (U+0000)",
            "resource       | chats('c')/messages('m{NUL}') | resource contains a control character (U+0000)",
        })
        void idsWithControlCharactersAreInvalid(String field, String value, String detail) throws Exception {
            String item = withField(created(MSG), field, JSON.getNodeFactory().textNode(unescape(value)));

            DecodeResult result = decoder.decode(record(collection(created("1"), item)));

            assertThat(ok(result, 0).messageId()).isEqualTo("1");
            assertThat(invalid(result, 1)).isEqualTo(new DecodedItem.Invalid(item(1),
                    DeadLetterReason.INVALID_NOTIFICATION, detail, redacted(item), false));
        }

        @Test
        void resourceDataIdsWithControlCharactersAreInvalid() throws Exception {
            ObjectNode item = (ObjectNode) JSON.readTree(created(MSG));
            ((ObjectNode) item.get("resourceData")).put("id", "m\u0000");

            DecodedItem.Invalid bad = invalid(decoder.decode(record(collection(item.toString()))), 0);

            assertThat(bad.detail()).isEqualTo("resourceData.id contains a control character (U+0000)");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "ce_type        | Microsoft.Graph.ChatMessageCreated{NUL} | type contains a control character (U+0000)",
            "ce_id          | ev{ESC}9                                | id contains a control character (U+001B)",
            "ce_source      | /tenants/t{NUL}/applications/a          | source contains a control character (U+0000)",
            "ce_specversion | 1.0{NUL}                                | specversion is \"1.0\\u0000\", not \"1.0\"",
        })
        void cloudEventAttributesWithControlCharactersAreInvalid(String header, String value, String detail) {
            String[] headers = {"ce_specversion", "1.0", "ce_id", "ev-9", "ce_type",
                "Microsoft.Graph.ChatMessageCreated", "ce_source", CE_SOURCE};
            for (int i = 0; i < headers.length; i += 2) {
                if (headers[i].equals(header)) {
                    headers[i + 1] = unescape(value);
                }
            }

            DecodeResult result = decoder.decode(record(created(MSG), headers));

            assertRecordFailure(result, DeadLetterReason.INVALID_CLOUDEVENT, detail);
            assertThat(result.failureDetail()).doesNotContain("\u0000");
        }
    }

    /** A notification without tenantId or organizationId: the resource path or the CloudEvent source names it. */
    @Nested
    class TenantFallbacks {

        @Test
        void theResourcePathNamesTheTenant() throws Exception {
            String item = withField(withoutField(created(MSG), "tenantId"), "resource",
                    JSON.getNodeFactory().textNode("tenants/t-path/chats('" + CHAT + "')/messages('" + MSG + "')"));

            ChangeNotification n = ok(decoder.decode(record(collection(item))), 0);

            assertThat(n.tenantId()).isEqualTo("t-path");
            assertThat(n.chatId()).isEqualTo(CHAT);
            assertThat(n.messageId()).isEqualTo(MSG);
        }

        @Test
        void theCloudEventSourceNamesTheTenant() throws Exception {
            String data = withoutField(created(MSG), "tenantId");

            ChangeNotification structured = ok(decoder.decode(record(cloudEvent("ev-1",
                    "Microsoft.Graph.ChatMessageCreated", "/tenants/t-ce/applications/a1", data))), 0);
            ChangeNotification binary = ok(decoder.decode(record(data, "ce_specversion", "1.0", "ce_id", "ev-2",
                    "ce_type", "Microsoft.Graph.ChatMessageCreated", "ce_source", "/tenants/t-bin/applications/a1")),
                    0);

            assertThat(structured.tenantId()).isEqualTo("t-ce");
            assertThat(binary.tenantId()).isEqualTo("t-bin");
        }

        @Test
        void theNotificationsOwnFieldsComeFirst() {
            ChangeNotification n = ok(decoder.decode(record(cloudEvent("ev-1", "Microsoft.Graph.ChatMessageCreated",
                    "/tenants/t-ce/applications/a1", created(MSG)))), 0);

            assertThat(n.tenantId()).isEqualTo(TENANT);
        }

        @Test
        void withoutAnyTheTenantIsNull() throws Exception {
            ChangeNotification n = ok(decoder.decode(record(collection(withoutField(created(MSG), "tenantId")))), 0);

            assertThat(n.tenantId()).isNull();
        }
    }

    @Nested
    class CloudEventTime {

        @Test
        void structuredAndBinaryEventsCarryTheirTime() {
            ChangeNotification structured = ok(decoder.decode(record(cloudEvent("ev-1",
                    "Microsoft.Graph.ChatMessageCreated", CE_SOURCE, created(MSG)))), 0);
            ChangeNotification binary = ok(decoder.decode(record(created(MSG), "ce_specversion", "1.0", "ce_id",
                    "ev-2", "ce_type", "Microsoft.Graph.ChatMessageCreated", "ce_source", CE_SOURCE, "ce_time",
                    "2024-10-24T11:05:14+02:00")), 0);
            ChangeNotification withoutTime = ok(decoder.decode(record(created(MSG), "ce_specversion", "1.0", "ce_id",
                    "ev-3", "ce_type", "Microsoft.Graph.ChatMessageCreated", "ce_source", CE_SOURCE)), 0);
            ChangeNotification graph = ok(decoder.decode(record(collection(created(MSG)))), 0);

            assertThat(structured.cloudEventTimeMillis()).isEqualTo(1_729_760_713_464L); // GraphPayloads' time
            assertThat(binary.cloudEventTimeMillis()).isEqualTo(1_729_760_714_000L);
            assertThat(withoutTime.cloudEventTimeMillis()).isZero();
            assertThat(graph.cloudEventTimeMillis()).isZero();
        }
    }

    @Test
    void aNullRecordIsAFailureNotAnException() {
        DecodeResult result = decoder.decode(null);

        assertThat(result.failed()).isTrue();
        assertThat(result.failure()).isEqualTo(DeadLetterReason.PROCESSING_ERROR);
        assertThat(result.items()).isEqualTo(List.of());
    }
}
