package dev.beacon.control.signin;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.aad.msal4j.PublicClientApplication;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * MSAL4J 1.17.1 and 1.17.2 handed out access tokens up to 5 minutes after they expired (issue #874, fixed in
 * 1.17.3). Guard against a dependency change bringing them back.
 */
class MsalVersionTest {

    @Test
    void msalOnTheClasspathIsAtLeast1_17_3() throws Exception {
        Properties p = new Properties();
        try (InputStream in = PublicClientApplication.class.getResourceAsStream(
                "/META-INF/maven/com.microsoft.azure/msal4j/pom.properties")) {
            assertThat(in).as("msal4j pom.properties on the classpath").isNotNull();
            p.load(in);
        }
        String version = p.getProperty("version");
        // the properties must come from the jar that holds the class, not from some other jar
        String jar = PublicClientApplication.class.getProtectionDomain().getCodeSource().getLocation().toString();
        assertThat(jar).contains("msal4j-" + version);
        assertThat(compare(version, "1.17.3")).as("msal4j %s >= 1.17.3", version).isGreaterThanOrEqualTo(0);
    }

    private static int compare(String a, String b) {
        int[] x = Arrays.stream(a.split("[.-]")).limit(3).mapToInt(Integer::parseInt).toArray();
        int[] y = Arrays.stream(b.split("[.-]")).limit(3).mapToInt(Integer::parseInt).toArray();
        return Arrays.compare(x, y);
    }
}
