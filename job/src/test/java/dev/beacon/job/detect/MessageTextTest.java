package dev.beacon.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageTextTest {

    @Test
    void inlineTagsVanishAndEntitiesDecode() {
        assertThat(MessageText.plainText("has <b>placed</b> an Emergency&nbsp;Call", "html"))
                .isEqualTo("has placed an Emergency Call");
        assertThat(MessageText.plainText("Emer<span style=\"color:red\">gency</span>", "html")).isEqualTo("Emergency");
    }

    @Test
    void blockTagsSeparateWordsAndLines() {
        String html = "<div><p>Line one</p><p>Line two<br>Line three</p><ul><li>a</li><li>b</li></ul>"
                + "<h2>Head</h2><table><tr><td>Location:</td><td>Building 1</td></tr></table></div>";
        assertThat(MessageText.plainText(html, "html"))
                .isEqualTo("Line one Line two Line three a b Head Location: Building 1");
        assertThat(MessageText.plainTextLines(html, "html"))
                .isEqualTo("Line one\nLine two\nLine three\na\nb\nHead\nLocation: Building 1");
    }

    @Test
    void sourceLineBreaksInHtmlAreOnlyWhitespace() {
        assertThat(MessageText.plainTextLines("<p>has\n placed\r\n\tan</p>\n\n<p>Emergency\tCall</p>", "html"))
                .isEqualTo("has placed an\nEmergency Call");
    }

    @Test
    void namedAndNumericEntities() {
        assertThat(MessageText.plainText(
                        "&lt;b&gt; &amp; &quot;q&quot; &apos;a&#39; &#104;&#x61;&#X73; caf&eacute; &euro;5 &mdash;", "html"))
                .isEqualTo("<b> & \"q\" 'a' has café €5 —");
        assertThat(MessageText.plainText("&#104;as placed an Emergency Call", "html"))
                .isEqualTo("has placed an Emergency Call");
        assertThat(MessageText.plainText("&#x1F6A8; alert", "html")).isEqualTo("\uD83D\uDEA8 alert");
    }

    @Test
    void decodedMarkupIsTextNotTags() {
        assertThat(MessageText.plainText("&lt;p&gt;x&lt;/p&gt;", "html")).isEqualTo("<p>x</p>");
    }

    @Test
    void malformedEntitiesStayLiteral() {
        assertThat(MessageText.plainText("AT&T &bogus; &amp &#; &#xZZ; a&b", "html"))
                .isEqualTo("AT&T &bogus; &amp &#; &#xZZ; a&b");
        assertThat(MessageText.plainText("&#0;|&#x110000;|&#xD800;", "html")).isEqualTo("\uFFFD|\uFFFD|\uFFFD");
    }

    @Test
    void scriptStyleAndCommentsAreDropped() {
        String html = "<p>before</p><script type=\"text/javascript\">var s = '<p>has placed an Emergency Call</p>';"
                + "</script ><STYLE>p { color: red }</STYLE><!-- has placed an Emergency Call --><p>after</p>"
                + "<!DOCTYPE html><?xml version=\"1.0\"?>";
        assertThat(MessageText.plainText(html, "html")).isEqualTo("before after");
    }

    @Test
    void greaterThanInsideQuotedAttributeDoesNotEndTheTag() {
        assertThat(MessageText.plainText("<a title=\"x > y\" href='z>'>link</a> text", "html"))
                .isEqualTo("link text");
    }

    @Test
    void lessThanThatStartsNoTagIsText() {
        assertThat(MessageText.plainText("1 < 2 and 3 <= 4 <<", "html")).isEqualTo("1 < 2 and 3 <= 4 <<");
    }

    @Test
    void unclosedTagOrCommentSwallowsTheRest() {
        assertThat(MessageText.plainText("visible <b class=\"x", "html")).isEqualTo("visible");
        assertThat(MessageText.plainText("visible <!-- has placed an Emergency Call", "html")).isEqualTo("visible");
        assertThat(MessageText.plainText("visible <script>has placed an Emergency Call", "html")).isEqualTo("visible");
    }

    @Test
    void unicodeWhitespaceCollapsesToSingleSpaces() {
        String text = "  has\u00A0placed\u2003an\u200BEmergency \u202F\u3000 Call\t\u2009\u0000 now  ";
        assertThat(MessageText.plainText(text, "text")).isEqualTo("has placed an Emergency Call now");
    }

    @Test
    void zeroWidthSpaceSeparatesWordsButJoinersAndSoftHyphensVanish() {
        assertThat(MessageText.plainText("has\u200Bplaced", "text")).isEqualTo("has placed");
        assertThat(MessageText.plainText("Emer\u00ADgen\u200Dcy\uFEFF \u200ECall\u2060", "text"))
                .isEqualTo("Emergency Call");
        assertThat(MessageText.plainText("has&#8203;placed&shy;", "html")).isEqualTo("has placed");
    }

    @Test
    void plainTextKeepsTagsAndEntitiesAsWritten() {
        assertThat(MessageText.plainText("<b>x</b> &amp;", "text")).isEqualTo("<b>x</b> &amp;");
        assertThat(MessageText.plainText("<b>x</b>", null)).isEqualTo("<b>x</b>");
        assertThat(MessageText.plainText("<b>x</b>", " HTML ")).isEqualTo("x");
    }

    @Test
    void plainTextLineBreaksBecomeLines() {
        assertThat(MessageText.plainTextLines("a\r\nb\n\n\nc \u2028 d", "text")).isEqualTo("a\nb\nc\nd");
        assertThat(MessageText.plainText("a\r\nb\n\n\nc \u2028 d", "text")).isEqualTo("a b c d");
    }

    @Test
    void emptyInput() {
        assertThat(MessageText.plainText(null, "html")).isEqualTo("");
        assertThat(MessageText.plainText("", "text")).isEqualTo("");
        assertThat(MessageText.plainText("<p> </p><br/>&nbsp;", "html")).isEqualTo("");
        assertThat(MessageText.plainTextLines(null, null)).isEqualTo("");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<p>a</p> <p> b </p>", "x<br/>y&nbsp;\n<div>\tz</div>", "<td>1</td><td>2</td>", "  <li>q", "plain"
    })
    void linesJoinedWithSpacesEqualsPlainText(String html) {
        assertThat(MessageText.plainTextLines(html, "html").replace('\n', ' '))
                .isEqualTo(MessageText.plainText(html, "html"));
    }

    @Test
    void foldLowerCasesAndNormalisesCompatibilityForms() {
        assertThat(MessageText.fold("HAS PLACED AN EMERGENCY CALL")).isEqualTo("has placed an emergency call");
        assertThat(MessageText.fold("\uFF25\uFF2D\uFF25\uFF32\uFF27\uFF25\uFF2E\uFF23\uFF39")).isEqualTo("emergency");
        assertThat(MessageText.fold("GETA\u0308TIGT")).isEqualTo("get\u00E4tigt");
        assertThat(MessageText.fold("\uFB01le TITLE")).isEqualTo("file title");
        assertThat(MessageText.fold(null)).isNull();
    }

    @Test
    void hostileBodiesFinishInOnePass() {
        int size = 1 << 20;
        assertThat(MessageText.plainText("<".repeat(size), "html")).isEqualTo("<".repeat(size));
        assertThat(MessageText.plainText("<div>".repeat(size / 5) + "x", "html")).isEqualTo("x");
        assertThat(MessageText.plainText("<a".repeat(size / 2), "html")).isEqualTo("");
        assertThat(MessageText.plainText("&#".repeat(size / 2), "html")).isEqualTo("&#".repeat(size / 2));
        assertThat(MessageText.plainText("&amp".repeat(size / 4), "html")).isEqualTo("&amp".repeat(size / 4));
        assertThat(MessageText.plainText("<script>" + "</scrip".repeat(size / 7), "html")).isEqualTo("");
        assertThat(MessageText.plainText("<a href=\"".repeat(size / 9), "html")).isEqualTo("");
        assertThat(MessageText.plainText("<!--".repeat(size / 4), "html")).isEqualTo("");
        assertThat(MessageText.plainText("\u200B ".repeat(size / 2) + "x", "text")).isEqualTo("x");
    }
}
