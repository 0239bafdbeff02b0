package dev.beacon.job.detect;

import static dev.beacon.job.testing.ChatMessages.CALLER_ID;
import static dev.beacon.job.testing.ChatMessages.CALLER_NAME;
import static dev.beacon.job.testing.ChatMessages.CREATED_MILLIS;
import static dev.beacon.job.testing.ChatMessages.GROUP_CHAT_ID;
import static dev.beacon.job.testing.ChatMessages.MEETING_CHAT_ID;
import static dev.beacon.job.testing.ChatMessages.ONE_ON_ONE_CHAT_ID;
import static dev.beacon.job.testing.ChatMessages.TENANT_ID;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.detect.Detection.FailureCause;
import dev.beacon.job.detect.Detection.Kind;
import dev.beacon.job.testing.ChatMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EmergencyDetectorTest {

    private static final String RULE = "teams-security-desk";
    private static final String PHRASE = "Ada Lovelace has placed an Emergency Call";
    /** "1,2,...,30,": makes {@code (.*?,){11}P} backtrack exponentially. */
    private static final String COMMAS = commas(30);

    private final EmergencyDetector detector = new EmergencyDetector(DetectionRules.defaults());

    // ---------------------------------------------------------------------------------------------------------
    // Matching

    @Test
    void securityDeskNotificationIsAnEmergencyWithAllDetails() {
        Detection d = detector.detect(ChatMessages.emergency().node());

        assertThat(d.contentHash()).matches("[0-9a-f]{64}");
        assertThat(d).isEqualTo(emergency(RULE, "911", "Building 42, 1 Main Street, Redmond", d.contentHash()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<p>Ada Lovelace has <b>placed</b> an Emergency&nbsp;Call</p>",
        "<p>ADA LOVELACE HAS PLACED AN EMERGENCY CALL</p>",
        "<div>Ada Lovelace has\n placed\tan\r\nEmergency<br>Call</div>",
        "&#104;as placed an Emergency Call",
        "Ada has\u200Bplaced an\u200B Emergency\u00A0\u00A0Call",
        "<p>Ada has placed an <span style=\"color:red\">Emergency</span> <i>Call</i>.</p>",
        "<p>Ada has placed an &#x45;mergency &#67;all</p>",
        "<p>Ada has placed an \uFF25mergency Call</p>",
    })
    void phraseMatchesWhateverTheMarkup(String html) {
        Detection d = detector.detect(ChatMessages.emergency().html(html).node());

        assertThat(d.emergency()).isTrue();
        assertThat(d.ruleName()).isEqualTo(RULE);
        assertThat(d.callerUserId()).isEqualTo(CALLER_ID);
    }

    @Test
    void plainTextBodyMatches() {
        Detection d = detector.detect(ChatMessages.emergency().text(PHRASE + " to 112").node());

        assertThat(d.emergency()).isTrue();
        assertThat(d.dialedNumber()).isEqualTo("112");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<p>Lunch at noon?</p>",
        "<p>This is an emergency!</p>",
        "<p>Emergency</p>",
        "<p>emergency call drill tomorrow at 10</p>",
        "<p>Who has placed an emergency callback request?</p>",
        "<p>she has placed an</p>",
        "",
    })
    void ordinaryChatterIsNotAnEmergencyAndCarriesNothing(String html) {
        assertNotEmergency(detector.detect(ChatMessages.chatter(html).node()));
    }

    @Test
    void notEmergencyHasNoFields() {
        assertThat(Detection.notEmergency()).isEqualTo(new Detection(Kind.NOT_EMERGENCY, null, null, null, null, null,
                null, false, null, 0L, 0L, null, false, null));
    }

    @Test
    void defaultRuleIgnoresImportanceAndChatType() {
        assertThat(detector.detect(ChatMessages.emergency().importance("normal").node()).emergency()).isTrue();
        assertThat(detector.detect(ChatMessages.emergency().chatId(ONE_ON_ONE_CHAT_ID).node()).emergency()).isTrue();
    }

    @Test
    void defaultRuleNeedsAUserSender() {
        assertNotEmergency(detector.detect(ChatMessages.emergency().fromApplication().node()));
        assertNotEmergency(detector.detect(ChatMessages.emergency().fromNobody().node()));
    }

    @Test
    void defaultRuleOnlyMatchesOrdinaryMessages() {
        assertNotEmergency(detector.detect(ChatMessages.emergency().messageType("systemEventMessage").node()));
        ObjectNode noType = ChatMessages.emergency().node();
        noType.remove("messageType");
        assertThat(detector.detect(noType).emergency()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"normal,false", "high,true", "urgent,true", "HIGH,true", ",false"})
    void importanceCondition(String importance, boolean expected) {
        EmergencyDetector strict = detectorFor(
                "{\"rules\": [{\"name\": \"r\", \"phrases\": [\"has placed an emergency call\"], \"importance\": [\"high\", \"urgent\"]}]}");
        ChatMessages message = ChatMessages.emergency();
        if (importance == null) {
            message.node().remove("importance");
        } else {
            message.importance(importance);
        }

        assertThat(strict.detect(message.node()).kind()).isEqualTo(expected ? Kind.EMERGENCY : Kind.NOT_EMERGENCY);
    }

    @Test
    void chatTypeCondition() {
        EmergencyDetector groupOnly = detectorFor(
                "{\"rules\": [{\"name\": \"r\", \"phrases\": [\"has placed an emergency call\"], \"chatTypes\": [\"group\"]}]}");

        assertThat(groupOnly.detect(ChatMessages.emergency().chatId(GROUP_CHAT_ID).node()).emergency()).isTrue();
        assertNotEmergency(groupOnly.detect(ChatMessages.emergency().chatId(ONE_ON_ONE_CHAT_ID).node()));
        assertNotEmergency(groupOnly.detect(ChatMessages.emergency().chatId(MEETING_CHAT_ID).node()));
        assertNotEmergency(groupOnly.detect(ChatMessages.emergency().chatId("19:odd").node()));

        ObjectNode noChatId = ChatMessages.emergency().node();
        noChatId.remove("chatId");
        assertNotEmergency(groupOnly.detect(noChatId));
        assertThat(groupOnly.detect(noChatId, GROUP_CHAT_ID).emergency()).isTrue();
    }

    @Test
    void chatTypeFromTheChatId() {
        assertThat(EmergencyDetector.chatType(GROUP_CHAT_ID)).isEqualTo("group");
        assertThat(EmergencyDetector.chatType("19:abc@thread.skype")).isEqualTo("group");
        assertThat(EmergencyDetector.chatType(MEETING_CHAT_ID)).isEqualTo("meeting");
        assertThat(EmergencyDetector.chatType(ONE_ON_ONE_CHAT_ID)).isEqualTo("oneOnOne");
        assertThat(EmergencyDetector.chatType("19:abc@thread.tacv2")).isNull();
        assertThat(EmergencyDetector.chatType("")).isNull();
        assertThat(EmergencyDetector.chatType(null)).isNull();
    }

    @Test
    void senderKindCondition() {
        EmergencyDetector anySender = detectorFor("""
                {"rules": [{"name": "bot", "phrases": ["has placed an emergency call"],
                            "senderKinds": ["application", "none"]}]}""");

        Detection fromApp = anySender.detect(ChatMessages.emergency().fromApplication().node());
        assertThat(fromApp.emergency()).isTrue();
        assertThat(fromApp.ruleName()).isEqualTo("bot");
        assertThat(fromApp.callerUserId()).isNull();
        assertThat(fromApp.callerDisplayName()).isNull();
        assertThat(fromApp.callerTenantId()).isNull();
        assertThat(fromApp.senderKind()).isEqualTo("application");
        assertThat(fromApp.missingCallerReason()).isEqualTo("the sender is an application, not a user");
        assertThat(anySender.detect(ChatMessages.emergency().fromNobody().node()).emergency()).isTrue();
        assertNotEmergency(anySender.detect(ChatMessages.emergency().node()));
    }

    @Test
    void messageTypeCondition() {
        EmergencyDetector systemEvents = detectorFor("""
                {"rules": [{"name": "sys", "phrases": ["has placed an emergency call"],
                            "messageTypes": ["systemEventMessage"]}]}""");

        assertThat(systemEvents.detect(ChatMessages.emergency().messageType("systemEventMessage").node()).emergency())
                .isTrue();
        assertNotEmergency(systemEvents.detect(ChatMessages.emergency().node()));
    }

    @Test
    void firstMatchingRuleNamesTheDetection() {
        EmergencyDetector twoRules = detectorFor("""
                {"rules": [
                  {"name": "urgent-only", "phrases": ["has placed an emergency call"], "importance": ["urgent"]},
                  {"name": "any", "phrases": ["has placed an emergency call"]}]}""");

        assertThat(twoRules.detect(ChatMessages.emergency().importance("urgent").node()).ruleName())
                .isEqualTo("urgent-only");
        assertThat(twoRules.detect(ChatMessages.emergency().importance("high").node()).ruleName()).isEqualTo("any");
    }

    @Test
    void customGermanRule() {
        EmergencyDetector german = detectorFor("""
                {"rules": [{"name": "notruf-de", "phrases": ["hat einen Notruf getätigt"]}],
                 "location": {"patterns": ["\\\\bStandort\\\\s*:\\\\s*(?<location>[^\\\\n]{1,600})"]}}""");
        String html = "<p>Ada Lovelace HAT EINEN NOTRUF GETA\u0308TIGT (112).</p><p>Standort: Gebäude 5, Berlin</p>";

        Detection d = german.detect(ChatMessages.emergency().html(html).node());

        assertThat(d).isEqualTo(emergency("notruf-de", "112", "Gebäude 5, Berlin", d.contentHash()));
        assertNotEmergency(detector.detect(ChatMessages.emergency().html(html).node()));
    }

    @Test
    void regexRuleMatchesTheFoldedText() {
        EmergencyDetector regex = detectorFor(
                "{\"rules\": [{\"name\": \"rx\", \"patterns\": [\"\\\\bnotruf\\\\s+(?:an|zu)\\\\s+\\\\d{3}\\\\b\"]}]}");

        assertThat(regex.detect(ChatMessages.chatter("<p>NOTRUF&nbsp;an 112</p>").node()).ruleName()).isEqualTo("rx");
        assertNotEmergency(regex.detect(ChatMessages.chatter("<p>Notrufe an 112</p>").node()));
    }

    @Test
    void catastrophicRulePatternFailsDetectionInsteadOfHanging() {
        // Exponential backtracking that the JDK's loop memoisation does not catch.
        EmergencyDetector slow = detectorFor("""
                {"rules": [{"name": "fast", "phrases": ["nothing like this"]},
                           {"name": "slow", "patterns": ["(.*?,){11}P"]}]}""");

        Detection d = slow.detect(ChatMessages.chatter(COMMAS).node());

        assertThat(d).isEqualTo(Detection.failed(FailureCause.BUDGET_EXHAUSTED,
                "rule 'slow': patterns[0] ran out of its read budget"));
        assertThat(slow.patternsGivenUp()).isEqualTo(1);
        assertThat(slow.unexpectedFailures()).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "location     | location     | location.patterns[0]",
        "dialedNumber | number       | dialedNumber.patterns[0]",
    })
    void catastrophicExtractionPatternFailsTheEmergency(String section, String group, String pattern) {
        EmergencyDetector slow = detectorFor(
                "{\"rules\": [{\"name\": \"r\", \"phrases\": [\"has placed an emergency call\"]}], \"" + section
                        + "\": {\"patterns\": [\"(?<" + group + ">(.*?,){11}P)\"]}}");

        Detection d = slow.detect(ChatMessages.emergency().text(PHRASE + " " + COMMAS).node());

        assertThat(d).isEqualTo(
                Detection.failed(FailureCause.BUDGET_EXHAUSTED, pattern + " ran out of its read budget"));
        assertThat(slow.patternsGivenUp()).isEqualTo(1);
    }

    @Test
    void aDetectorDefectIsAFailureNotChatter() {
        // A test hook standing in for any bug: the message throws as soon as the detector reads it.
        ObjectNode throwing = new ObjectNode(JsonNodeFactory.instance) {
            @Override
            public JsonNode get(String fieldName) {
                throw new IllegalStateException("defect reading " + fieldName);
            }
        };

        Detection d = detector.detect(throwing);

        assertThat(d).isEqualTo(Detection.failed(FailureCause.UNEXPECTED_ERROR,
                "unexpected IllegalStateException in the detector"));
        assertThat(d.toString()).doesNotContain("defect reading");
        assertThat(detector.unexpectedFailures()).isEqualTo(1);
    }

    @Test
    void aPatternThatOverflowsTheStackOnHostileTextIsAFailure() {
        // The JDK's regex engine recurses once per repetition of a group with alternatives: a long enough message
        // overflows the stack long before the read budget runs out.
        EmergencyDetector recursive = detectorFor("{\"rules\": [{\"name\": \"deep\", \"patterns\": [\"(?:a|b)+c\"]}]}");

        Detection d = recursive.detect(ChatMessages.chatter("a".repeat(50_000)).node());

        assertThat(d).isEqualTo(Detection.failed(FailureCause.UNEXPECTED_ERROR,
                "unexpected StackOverflowError in the detector"));
        assertThat(recursive.unexpectedFailures()).isEqualTo(1);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Dialled number

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Ada has placed an Emergency Call to 911.|911|false",
        "Ada has placed an Emergency Call. Dialed number: 112|112|false",
        "Ada has placed an Emergency Call. The caller dialled 999 from a desk phone.|999|false",
        "Ada has placed an Emergency Call. Number dialed: 000|000|false",
        "Ada has placed an Emergency Call (999).|999|false",
        "Ada has placed an Emergency Call to 933|933|true",
        "Ada has placed an Emergency Call, test number 933.|933|true",
        "Ada has placed an Emergency Call to +112|112|false",
        "Ada has placed an Emergency Call|<null>|false",
        "Ada has placed an Emergency Call from 1911 Elm Road|<null>|false",
        "Ada has placed an Emergency Call. Location: 112 Main Street|<null>|false",
    }, nullValues = "<null>")
    void dialedNumber(String text, String number, boolean testCall) {
        Detection d = detector.detect(ChatMessages.emergency().text(text).node());

        assertThat(d.emergency()).isTrue();
        assertThat(d.dialedNumber()).isEqualTo(number);
        assertThat(d.testCall()).isEqualTo(testCall);
    }

    @Test
    void testNumbersComeFromTheRules() {
        EmergencyDetector ukTests = detectorFor("""
                {"rules": [{"name": "r", "phrases": ["has placed an emergency call"]}],
                 "dialedNumber": {"testNumbers": ["999"]}}""");

        assertThat(ukTests.detect(ChatMessages.emergency().text(PHRASE + " to 999").node()).testCall()).isTrue();
        assertThat(ukTests.detect(ChatMessages.emergency().text(PHRASE + " to 933").node()).testCall()).isFalse();
    }

    @Test
    void fallbackCanBeSwitchedOff() {
        EmergencyDetector noFallback = detectorFor("""
                {"rules": [{"name": "r", "phrases": ["has placed an emergency call"]}],
                 "dialedNumber": {"fallbackToAnyEmergencyNumber": false}}""");

        assertThat(noFallback.detect(ChatMessages.emergency().text(PHRASE + " (911)").node()).dialedNumber()).isNull();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Location

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<p>Ada has placed an Emergency Call.</p><p>Location: Building 42, 1 Main Street, Redmond</p>"
                + "|Building 42, 1 Main Street, Redmond",
        "<p>Ada has placed an Emergency Call. Location: HQ Floor 3. Please respond.</p>|HQ Floor 3",
        "<p>Ada has placed an Emergency Call. Emergency location: Bldg. 4, Room 12; callback 555</p>"
                + "|Bldg. 4, Room 12",
        "<p>Ada has placed an Emergency Call from Building 7, Redmond.</p>|Building 7, Redmond",
        "<p>Ada has placed an Emergency Call at 10:05 from Contoso Tower &#124; Lobby</p>|Contoso Tower",
        "<p>Ada has placed an Emergency Call at Site&nbsp;A &amp; B!</p>|Site A & B",
        "<p>Ada has placed an Emergency Call</p><p><b>Location</b></p><p>Site A - Lobby</p>|Site A - Lobby",
        "<p>Ada has placed an Emergency Call</p><p><b>Location:</b> <i>Redmond Campus</i></p>|Redmond Campus",
        "<p>Ada has placed an Emergency Call.</p>|<null>",
        "<p>Ada has placed an Emergency Call.</p><p>Location:</p>|<null>",
    }, nullValues = "<null>")
    void location(String html, String location) {
        Detection d = detector.detect(ChatMessages.emergency().html(html).node());

        assertThat(d.emergency()).isTrue();
        assertThat(d.locationText()).isEqualTo(location);
    }

    @Test
    void locationIsCappedAtTheConfiguredLength() {
        String html = "<p>" + PHRASE + ". Location: " + "x".repeat(700) + "</p>";

        assertThat(detector.detect(ChatMessages.emergency().html(html).node()).locationText())
                .isEqualTo("x".repeat(512));

        EmergencyDetector shortLocations = detectorFor("""
                {"rules": [{"name": "r", "phrases": ["has placed an emergency call"]}],
                 "location": {"maxLength": 10}}""");
        assertThat(shortLocations.detect(ChatMessages.emergency().html("<p>" + PHRASE + ". Location: Building 42 North</p>")
                        .node()).locationText())
                .isEqualTo("Building 4");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Attachments

    @Test
    void adaptiveCardTextCounts() {
        String card = """
                {"type": "AdaptiveCard", "version": "1.4", "body": [
                  {"type": "TextBlock", "text": "Ada Lovelace has placed an Emergency Call", "weight": "bolder"},
                  {"type": "FactSet", "facts": [
                    {"title": "Location", "value": "Building 9, Redmond"},
                    {"title": "Number dialed", "value": "911"}]}]}""";

        Detection d = detector.detect(ChatMessages.emergency().html("<attachment id=\"a1\"></attachment>")
                .adaptiveCard(card).node());

        assertThat(d).isEqualTo(emergency(RULE, "911", "Building 9, Redmond", d.contentHash()));
    }

    @Test
    void quotedEmergencyInAReplyIsNotANewCall() {
        String quote = "{\"messageId\":\"1729760713464\",\"messagePreview\":\"" + PHRASE
                + "\",\"messageSender\":{\"user\":{\"id\":\"" + CALLER_ID + "\"}}}";

        Detection d = detector.detect(ChatMessages.chatter("<attachment id=\"1729760713464\"></attachment><p>On my way</p>")
                .attachment("messageReference", quote).node());

        assertNotEmergency(d);
    }

    @Test
    void brokenOrHostileCardsAreIgnored() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        Detection d = detector.detect(ChatMessages.chatter("<p>hello</p>")
                .adaptiveCard("{not json")
                .adaptiveCard(deep)
                .adaptiveCard("{\"body\": " + "[".repeat(200) + "{\"text\": \"" + PHRASE + "\"}" + "]".repeat(200) + "}")
                .node());

        assertNotEmergency(d);
        assertThat(detector.unexpectedFailures()).isZero();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Content hash and timestamps

    @Test
    void reactionsAndModificationTimeDoNotChangeTheHash() {
        String original = detector.detect(ChatMessages.emergency().node()).contentHash();

        Detection reacted = detector.detect(ChatMessages.emergency()
                .reaction("like", "97f62344-57dc-409c-88ad-c4af14158ff5", "2024-10-24T09:06:00Z")
                .lastModified("2024-10-24T09:06:00.000Z")
                .node());

        assertThat(reacted.contentHash()).isEqualTo(original);
        assertThat(reacted.lastModifiedAtMillis()).isEqualTo(CREATED_MILLIS + 46_536);
    }

    @Test
    void formattingOnlyDifferencesKeepTheHash() {
        String paragraphs = detector.detect(ChatMessages.emergency()
                .html("<p>" + PHRASE + " to 911.</p><p>Location: HQ</p>").node()).contentHash();
        String divs = detector.detect(ChatMessages.emergency()
                .html("<div>" + PHRASE + " to&nbsp;911.</div>\n<div><b>Location:</b> HQ</div>").node()).contentHash();

        assertThat(divs).isEqualTo(paragraphs);
    }

    @Test
    void meaningfulChangesChangeTheHash() {
        String original = detector.detect(ChatMessages.emergency().node()).contentHash();

        assertThat(detector.detect(ChatMessages.emergency().html(ChatMessages.EMERGENCY_HTML + "<p>Update: on site</p>")
                .node()).contentHash()).isNotEqualTo(original);
        assertThat(detector.detect(ChatMessages.emergency().importance("urgent").node()).contentHash())
                .isNotEqualTo(original);
        assertThat(detector.detect(ChatMessages.emergency().subject("Emergency").node()).contentHash())
                .isNotEqualTo(original);
        assertThat(detector.detect(ChatMessages.emergency().deletedAt("2024-10-24T10:00:00Z").node()).contentHash())
                .isNotEqualTo(original);
        assertThat(detector.detect(ChatMessages.emergency().adaptiveCard("{\"type\":\"AdaptiveCard\"}").node())
                .contentHash()).isNotEqualTo(original);
        ObjectNode otherSender = ChatMessages.emergency().node();
        ((ObjectNode) otherSender.get("from").get("user")).put("id", "00000000-0000-0000-0000-000000000001");
        assertThat(detector.detect(otherSender).contentHash()).isNotEqualTo(original);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2024-10-24T09:05:13.464Z|1729760713464",
        "2024-10-24T11:05:13.464+02:00|1729760713464",
        "2024-10-24T09:05:13.4640000Z|1729760713464",
        "2024-10-24T09:05:13Z|1729760713000",
        "2024-10-24T09:05:13.464|1729760713464",
        "yesterday|0",
        "''|0",
        "0001-01-01T00:00:00Z|0",
        "1969-12-31T23:59:59Z|0",
    })
    void createdTimeParsesIsoWithOffsets(String created, long millis) {
        assertThat(detector.detect(ChatMessages.emergency().created(created).node()).createdAtMillis())
                .isEqualTo(millis);
    }

    @Test
    void nonStringTimestampsAreZero() {
        ObjectNode message = ChatMessages.emergency().node();
        message.put("createdDateTime", 1729760713464L);
        message.putObject("lastModifiedDateTime");

        Detection d = detector.detect(message);

        assertThat(d.emergency()).isTrue();
        assertThat(d.createdAtMillis()).isZero();
        assertThat(d.lastModifiedAtMillis()).isZero();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Deleted messages

    @Test
    void deletedEmergencyStillMatchingIsReportedDeleted() {
        Detection d = detector.detect(ChatMessages.emergency().deletedAt("2024-10-24T10:00:00Z").node());

        assertThat(d.emergency()).isTrue();
        assertThat(d.deleted()).isTrue();
        assertThat(d.dialedNumber()).isEqualTo("911");
    }

    @Test
    void deletedMessageWithoutBodyIsDeletedButNotAnEmergency() {
        ObjectNode message = ChatMessages.emergency().deletedAt("2024-10-24T10:00:00Z")
                .lastModified("2024-10-24T10:00:00Z").html("").node();

        assertThat(detector.detect(message))
                .isEqualTo(Detection.deletedNotEmergency(CREATED_MILLIS, 1_729_764_000_000L))
                .isEqualTo(new Detection(Kind.DELETED, null, null, null, null, null, null, false, null,
                        CREATED_MILLIS, 1_729_764_000_000L, null, true, null));
    }

    @Test
    void deletedChatterCarriesNoContent() {
        Detection d = detector.detect(ChatMessages.chatter("<p>secret plans</p>").deletedAt("2024-10-24T10:00:00Z")
                .node());

        assertThat(d).isEqualTo(Detection.deletedNotEmergency(CREATED_MILLIS, CREATED_MILLIS));
    }

    @Test
    void blankDeletedDateTimeIsNotDeleted() {
        assertThat(detector.detect(ChatMessages.emergency().deletedAt(" ").node()).deleted()).isFalse();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Odd shapes and hostile input

    @Test
    void oddShapesNeverThrow() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        assertNotEmergency(detector.detect(null));
        assertNotEmergency(detector.detect(f.textNode(PHRASE)));
        assertNotEmergency(detector.detect(f.arrayNode()));
        assertNotEmergency(detector.detect(f.objectNode()));

        ObjectNode bodyIsText = ChatMessages.emergency().node();
        bodyIsText.put("body", PHRASE);
        assertNotEmergency(detector.detect(bodyIsText));

        ObjectNode contentIsNumber = ChatMessages.emergency().node();
        ((ObjectNode) contentIsNumber.get("body")).put("content", 911);
        assertNotEmergency(detector.detect(contentIsNumber));

        ObjectNode fromIsText = ChatMessages.emergency().node();
        fromIsText.put("from", CALLER_ID);
        assertNotEmergency(detector.detect(fromIsText));

        ObjectNode attachmentsIsObject = ChatMessages.emergency().node();
        attachmentsIsObject.putObject("attachments").put("content", 1);
        ObjectNode importanceIsNumber = ChatMessages.emergency().node();
        importanceIsNumber.put("importance", 3);
        ObjectNode messageTypeIsArray = ChatMessages.emergency().node();
        messageTypeIsArray.putArray("messageType").add("message");
        for (JsonNode odd : new JsonNode[] {attachmentsIsObject, importanceIsNumber, messageTypeIsArray}) {
            assertThat(detector.detect(odd).emergency()).isTrue();
        }

        ObjectNode oddUser = ChatMessages.emergency().node();
        ObjectNode user = (ObjectNode) oddUser.get("from").get("user");
        user.put("id", 42);
        user.putNull("displayName");
        user.remove("tenantId");
        Detection d = detector.detect(oddUser);
        assertThat(d.emergency()).isTrue();
        assertThat(d.callerUserId()).isNull();
        assertThat(d.callerDisplayName()).isNull();
        assertThat(d.callerTenantId()).isNull();
        assertThat(detector.unexpectedFailures()).isZero();
    }

    @Test
    void hostileBodiesFinishAndDoNotMatch() {
        int size = 1 << 20;
        assertNotEmergency(detector.detect(ChatMessages.chatter("<".repeat(size)).node()));
        assertNotEmergency(detector.detect(ChatMessages.chatter("<div><span>".repeat(size / 11)).node()));
        assertNotEmergency(detector.detect(ChatMessages.chatter("<b>has placed an</b> ".repeat(size / 21)).node()));
        assertNotEmergency(detector.detect(ChatMessages.chatter("<!--" + PHRASE + "<p " + "<".repeat(size)).node()));
        assertThat(detector.unexpectedFailures()).isZero();
        assertThat(detector.patternsGivenUp()).isZero();
    }

    @Test
    void hostileEmergencyStillExtractsInLinearTime() {
        String unit = "abcde Location: ";
        String html = "<p>" + PHRASE + ". Location: " + unit.repeat((1 << 20) / unit.length()) + "</p>";

        Detection d = detector.detect(ChatMessages.emergency().html(html).node());

        assertThat(d.emergency()).isTrue();
        assertThat(d.locationText()).isEqualTo(unit.repeat(32).substring(0, 512 - 2));
        assertThat(d.dialedNumber()).isNull();
        assertThat(detector.patternsGivenUp()).isZero();
    }

    @Test
    void toStringLeavesOutContent() {
        Detection d = detector.detect(ChatMessages.emergency().node());

        assertThat(d.toString()).doesNotContain("Building").doesNotContain(CALLER_NAME)
                .isEqualTo("Detection{kind=EMERGENCY, rule=teams-security-desk, sender=user, caller=" + CALLER_ID
                        + ", dialed=911, test=false, created=" + CREATED_MILLIS + ", deleted=false, hash="
                        + d.contentHash() + "}");
    }

    private static String commas(int n) {
        StringBuilder csv = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            csv.append(i).append(',');
        }
        return csv.toString();
    }

    private static EmergencyDetector detectorFor(String json) {
        return new EmergencyDetector(DetectionRules.fromJson(json));
    }

    /** A detection of the default message from its user sender, with the given extracted fields. */
    private static Detection emergency(String rule, String dialed, String location, String hash) {
        return new Detection(Kind.EMERGENCY, rule, "user", CALLER_ID, CALLER_NAME, TENANT_ID, dialed, false, location,
                CREATED_MILLIS, CREATED_MILLIS, hash, false, null);
    }

    /**
     * The explicit "not an emergency" outcome, with nothing read: a detector that threw or gave up reports
     * {@link Kind#FAILED} instead, and fails this.
     */
    private static void assertNotEmergency(Detection d) {
        assertThat(d.kind()).isEqualTo(Kind.NOT_EMERGENCY);
        assertThat(d).isEqualTo(Detection.notEmergency());
    }
}
