package dev.beacon.job.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientStateVerifierTest {

    private static final String CURRENT = "current-Secret-1";
    private static final String PREVIOUS = "previous-sécret-0";

    private final ClientStateVerifier verifier = new ClientStateVerifier(List.of(CURRENT, PREVIOUS));

    @Test
    void acceptsEveryConfiguredSecret() {
        assertThat(verifier.isAccepted(CURRENT)).isTrue();
        assertThat(verifier.isAccepted(PREVIOUS)).isTrue();
    }

    @Test
    void rejectsAnythingElse() {
        assertThat(verifier.isAccepted("current-secret-1")).isFalse(); // case matters
        assertThat(verifier.isAccepted("current-Secret-")).isFalse(); // prefix
        assertThat(verifier.isAccepted("current-Secret-12")).isFalse(); // extension
        assertThat(verifier.isAccepted(" " + CURRENT)).isFalse();
        assertThat(verifier.isAccepted("previous-secret-0")).isFalse(); // é is not e
        assertThat(verifier.isAccepted("NA")).isFalse();
        assertThat(verifier.isAccepted(CURRENT + "," + PREVIOUS)).isFalse();
    }

    @Test
    void rejectsNullAndEmpty() {
        assertThat(verifier.isAccepted(null)).isFalse();
        assertThat(verifier.isAccepted("")).isFalse();
    }

    @Test
    void needsAtLeastOneNonEmptySecret() {
        assertThatThrownBy(() -> new ClientStateVerifier(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("at least one accepted clientState secret is required");
        assertThatThrownBy(() -> new ClientStateVerifier(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClientStateVerifier(Arrays.asList(CURRENT, "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("accepted clientState secret #2 is empty");
    }

    @Test
    void parsesACommaSeparatedList() {
        assertThat(ClientStateVerifier.parse(" a1 , ,b2 ,, c3")).containsExactly("a1", "b2", "c3");
        assertThat(ClientStateVerifier.parse("only")).containsExactly("only");
        assertThat(ClientStateVerifier.parse(" , ")).isEmpty();
        assertThat(ClientStateVerifier.parse(null)).isEmpty();
        assertThat(ClientStateVerifier.parse("a,b")).isInstanceOf(ArrayList.class);
    }

    @Test
    void neverRevealsTheSecrets() {
        assertThat(verifier.toString()).isEqualTo("ClientStateVerifier{2 accepted secret(s)}");
        assertThat(verifier.secretCount()).isEqualTo(2);
    }

    @Test
    void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(verifier);
        }
        ClientStateVerifier copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (ClientStateVerifier) in.readObject();
        }

        assertThat(copy.isAccepted(PREVIOUS)).isTrue();
        assertThat(copy.isAccepted("other")).isFalse();
    }
}
