package dev.beacon.contracts.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.beacon.contracts.secrets.SecretSource.SecretException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The NAME / NAME_FILE rule, case by case: what each combination resolves to, or the exact error. */
class SecretSourceTest {

    private static final String SECRET = "s3cret-value";

    @TempDir
    Path dir;

    /** One row: NAME, the file content (null: NAME_FILE unset; MISSING: names no file), and the outcome. */
    private record Row(String what, String direct, String fileContent, String value, String error) {}

    private static final String MISSING = "\0missing";

    @Test
    void table() throws Exception {
        Path missing = dir.resolve("missing");
        Row[] rows = {
            new Row("neither", null, null, null, null),
            new Row("blank NAME counts as unset", "  ", null, null, null),
            new Row("NAME", SECRET, null, SECRET, null),
            new Row("NAME keeps its whitespace", " " + SECRET + " ", null, " " + SECRET + " ", null),
            new Row("NAME_FILE, trailing newline stripped", null, SECRET + "\n", SECRET, null),
            new Row("NAME_FILE, trailing spaces and CRLF stripped", null, SECRET + " \r\n\t", SECRET, null),
            new Row("NAME_FILE keeps inner lines", null, "a\nb\n", "a\nb", null),
            new Row("both", SECRET, SECRET, null, "set S or S_FILE, not both"),
            new Row("empty file", null, "", null, "S_FILE: %s is empty"),
            new Row("whitespace-only file", null, " \n\n", null, "S_FILE: %s is empty"),
            new Row("no such file", null, MISSING, null, "S_FILE: no such file " + missing),
        };
        int n = 0;
        for (Row row : rows) {
            Map<String, String> env = new HashMap<>();
            if (row.direct() != null) {
                env.put("S", row.direct());
            }
            Path file = null;
            if (row.fileContent() != null) {
                file = row.fileContent().equals(MISSING) ? missing
                        : Files.writeString(dir.resolve("file-" + n++), row.fileContent());
                env.put("S_FILE", file.toString());
            }
            if (row.error() == null) {
                assertThat(SecretSource.resolve(env, "S")).as(row.what()).isEqualTo(Optional.ofNullable(row.value()));
            } else {
                SecretException e = catchThrowableOfType(SecretException.class, () -> SecretSource.resolve(env, "S"));
                assertThat(e).as(row.what()).isNotNull();
                assertThat(e).as(row.what()).hasMessage(row.error().formatted(file))
                        .hasMessageNotContaining(SECRET);
                assertThat(e.setting()).as(row.what()).startsWith("S");
            }
        }
    }

    @Test
    void requireNamesBothForms() {
        SecretException e = catchThrowableOfType(SecretException.class, () -> SecretSource.require(Map.of(), "S"));

        assertThat(e).hasMessage("S or S_FILE is not set");
        assertThat(SecretSource.require(Map.of("S", SECRET), "S")).isEqualTo(SECRET);
    }

    @Test
    void listFilesTakeLinesAndCommas() throws Exception {
        Path file = Files.writeString(dir.resolve("list"), "one\r\ntwo, three\n\n,four \n");

        assertThat(JobSecretsLayout.readList("auth.client-state-file", file))
                .containsExactly("one", "two", "three", "four");
    }
}
