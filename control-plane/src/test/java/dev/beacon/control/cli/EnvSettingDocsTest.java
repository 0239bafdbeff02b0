package dev.beacon.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.settings.EnvSettingDoc;
import dev.beacon.control.settings.EnvSettingDocs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documented environment ({@link EnvSettingDocs}, shown by --help) and the variables the code reads are the same
 * set: a new "BEACON_…" literal in the main sources without a registry entry fails here, and so does an entry
 * nothing reads.
 */
class EnvSettingDocsTest {

    private static final Pattern LITERAL = Pattern.compile("\"(BEACON_[A-Z0-9_]*[A-Z0-9])\"");

    static Set<String> readByTheCode() throws IOException {
        Set<String> names = new TreeSet<>();
        Path main = Path.of("src/main/java");
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = LITERAL.matcher(Files.readString(f));
                while (m.find()) {
                    // NAME_FILE is the file form of the secret NAME (SecretSource's rule)
                    names.add(m.group(1).replaceAll("_FILE$", ""));
                }
            }
        }
        return names;
    }

    static Set<String> documented() {
        Set<String> names = new TreeSet<>();
        Stream.of(EnvSettingDocs.SERVICE, EnvSettingDocs.INGRESS, EnvSettingDocs.CLIENT, EnvSettingDocs.MIGRATE)
                .flatMap(java.util.List::stream).map(EnvSettingDoc::name).forEach(names::add);
        return names;
    }

    @Test
    void everyVariableTheCodeReadsIsDocumentedAndNothingElse() throws IOException {
        Set<String> read = readByTheCode();
        assertThat(read).as("sanity: the scan finds the settings").contains("BEACON_JDBC_URL", "BEACON_VAULT_KEY",
                "BEACON_INGRESS_PORT", "BEACON_BACKFILL_RATE");
        assertThat(documented()).as("documented in EnvSettingDocs").containsExactlyInAnyOrderElementsOf(read);
    }

    @Test
    void secretsAreTheOnesReadAsSecrets() throws IOException {
        Set<String> fileForms = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = Pattern.compile("secret\\([^,]+, \"(BEACON_[A-Z0-9_]+)\"\\)").matcher(Files.readString(f));
                while (m.find()) {
                    fileForms.add(m.group(1));
                }
            }
        }
        Set<String> documentedSecrets = new TreeSet<>();
        Stream.of(EnvSettingDocs.SERVICE, EnvSettingDocs.INGRESS, EnvSettingDocs.CLIENT)
                .flatMap(java.util.List::stream).filter(EnvSettingDoc::secret).map(EnvSettingDoc::name)
                .forEach(documentedSecrets::add);
        assertThat(documentedSecrets).as("every setting read with the NAME/NAME_FILE rule is shown as NAME[_FILE]")
                .containsAll(fileForms);
    }
}
