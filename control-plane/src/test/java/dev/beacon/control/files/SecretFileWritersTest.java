package dev.beacon.control.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every file the control plane (and the contracts it shares with the job) writes goes through
 * {@code JobSecretsLayout.writeAtomically}, which creates it 0600 before the first byte. A new direct
 * {@code Files.write…} / output stream in the main sources fails here, so a secret file cannot be written
 * world-readable by accident (issue 11 found {@code admin-token} at 0644).
 */
class SecretFileWritersTest {

    private static final Pattern DIRECT_WRITE = Pattern.compile(
            "Files\\.(write|writeString|newOutputStream|newBufferedWriter|copy)\\(|new FileOutputStream\\(|"
                    + "new FileWriter\\(");

    @Test
    void onlyTheOwnerOnlyWriterWritesFiles() throws IOException {
        List<String> direct = new ArrayList<>();
        for (Path root : List.of(Path.of("src/main/java"), Path.of("../contracts/src/main/java"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    for (String line : Files.readAllLines(f)) {
                        if (DIRECT_WRITE.matcher(line).find()) {
                            direct.add(f.getFileName() + ": " + line.strip());
                        }
                    }
                }
            }
        }
        // JobSecretsLayout.writeAtomically itself: a temp file set to 0600, then written and moved into place
        assertThat(direct).containsExactly("JobSecretsLayout.java: Files.write(tmp, bytes);");
    }
}
