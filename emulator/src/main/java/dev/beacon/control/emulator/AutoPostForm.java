package dev.beacon.control.emulator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an auto-submitting {@code form_post} page (what Entra answers to {@code response_mode=form_post}) the way
 * a browser does: the form's {@code action} and its hidden fields, HTML entities decoded. Tests then POST the
 * fields to the action, as the page's script would.
 */
public record AutoPostForm(String action, Map<String, String> fields) {

    private static final Pattern FORM = Pattern.compile("<form[^>]*method=\"POST\"[^>]*action=\"([^\"]*)\"",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern INPUT = Pattern.compile(
            "<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);

    public static AutoPostForm parse(String html) {
        Matcher f = FORM.matcher(html);
        if (!f.find() || !html.contains("document.forms[0].submit()")) {
            throw new IllegalArgumentException("not an auto-submitting form_post page: " + html);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher i = INPUT.matcher(html);
        while (i.find()) {
            fields.put(unescape(i.group(1)), unescape(i.group(2)));
        }
        return new AutoPostForm(unescape(f.group(1)), fields);
    }

    /** The fields as an {@code application/x-www-form-urlencoded} body. */
    public String body() {
        StringBuilder b = new StringBuilder();
        fields.forEach((k, v) -> b.append(b.length() == 0 ? "" : "&")
                .append(java.net.URLEncoder.encode(k, java.nio.charset.StandardCharsets.UTF_8)).append('=')
                .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8)));
        return b.toString();
    }

    private static String unescape(String s) {
        return s.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'")
                .replace("&amp;", "&");
    }
}
