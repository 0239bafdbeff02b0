package dev.beacon.system.compose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.contracts.records.ReferenceTopics;
import dev.beacon.contracts.secrets.SecretSource;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.ingress.IngressSettings;
import dev.beacon.job.BeaconJob;
import dev.beacon.job.config.BeaconOptions;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.RestOptions;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml names only things that exist in the code: pinned images, environment variables the code reads,
 * job settings that are BeaconOptions keys, the code's default ports, services that exist, and exactly the topics
 * the job and the control plane use. No docker is needed (none runs on CI machines); `.ci/run` adds
 * {@code docker compose config -q} where an engine is available.
 */
class ComposeFileTest {

    private static final ComposeFile COMPOSE = ComposeFile.read();
    private static final Pattern PINNED = Pattern.compile("[^:/]+(/[^:/]+)*:(?!latest)[^:]*\\d+\\.\\d+[^:]*");

    @Test
    void everyImageIsPinnedToAVersion() {
        for (String service : COMPOSE.serviceNames()) {
            String image = COMPOSE.service(service).path("image").asText();
            assertThat(image).as("image of %s", service).isNotBlank().matches(PINNED);
        }
    }

    @Test
    void everyBeaconVariableIsOneTheCodeReads() throws IOException {
        Map<Path, String> all = mainSources();
        for (String service : COMPOSE.serviceNames()) {
            List<String> modules = modulesRunBy(service);
            Map<Path, String> sources = new java.util.HashMap<>();
            all.forEach((path, text) -> {
                if (modules.stream().anyMatch(m -> path.startsWith(ComposeFile.ROOT.resolve(m)))) {
                    sources.put(path, text);
                }
            });
            for (String name : COMPOSE.environment(service).keySet()) {
                if (!name.startsWith("BEACON_")) {
                    continue;
                }
                boolean fileForm = name.endsWith(SecretSource.FILE_SUFFIX);
                String read = fileForm ? name.substring(0, name.length() - SecretSource.FILE_SUFFIX.length()) : name;
                List<String> readers = sources.entrySet().stream()
                        .filter(e -> e.getValue().contains("\"" + read + "\""))
                        .map(e -> e.getValue()).toList();
                assertThat(readers).as("%s sets %s: no main source of %s reads \"%s\"", service, name, modules, read)
                        .isNotEmpty();
                if (fileForm) {
                    assertThat(readers).as("%s sets %s: %s is not read as a secret (NAME or NAME_FILE)", service,
                            name, read).anyMatch(s -> s.contains("SecretSource") || s.contains("secret("));
                }
            }
        }
    }

    @Test
    void theJobRunsInApplicationModeWithBeaconOptionsOnly() throws IOException {
        List<String> command = COMPOSE.command("jobmanager");
        assertThat(command.subList(0, 3)).containsExactly("standalone-job", "--job-classname",
                BeaconJob.class.getName());
        Set<String> keys = beaconOptionKeys();
        List<String> jobArgs = command.subList(3, command.size());
        String config = null;
        for (int i = 0; i < jobArgs.size(); i += 2) {
            String arg = jobArgs.get(i);
            assertThat(arg).as("job argument %s", arg).startsWith("--");
            assertThat(i + 1).as("%s has a value", arg).isLessThan(jobArgs.size());
            if (arg.equals("--config")) {
                config = jobArgs.get(i + 1);
            } else {
                assertThat(keys).as("job setting %s", arg).contains(arg.substring(2));
            }
        }
        assertThat(config).as("--config").isNotNull();
        Path properties = mountedFrom("jobmanager", config);
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(properties)));
        assertThat(p).as("settings in %s", properties).isNotEmpty();
        for (String key : p.stringPropertyNames()) {
            assertThat(keys).as("setting %s in %s", key, properties).contains(key);
        }
        assertThat(p.getProperty("jdbc.url")).isEqualTo(COMPOSE.environment("control-plane").get("BEACON_JDBC_URL"));
        assertThat(p.getProperty("kafka.bootstrap-servers"))
                .isEqualTo(COMPOSE.environment("control-plane").get("BEACON_KAFKA_BOOTSTRAP"));
        assertThat(p.getProperty("checkpoint.dir")).as("checkpoints on the named volume")
                .isEqualTo("file://" + volumeTarget("taskmanager", "checkpoints"));
        assertThat(volumeTarget("jobmanager", "checkpoints")).isEqualTo(volumeTarget("taskmanager", "checkpoints"));
        assertThat(COMPOSE.topLevelNames("volumes")).contains("checkpoints", "job-secrets");
        assertThat(p.getProperty("auth.keystore")).startsWith(volumeTarget("taskmanager", "job-secrets") + "/");
        assertThat(COMPOSE.environment("control-plane").get("BEACON_EXPORT_DIR"))
                .isEqualTo(volumeTarget("control-plane", "job-secrets"));
    }

    @Test
    void portsAreTheCodesDefaults() {
        Map<String, String> controlPlane = COMPOSE.environment("control-plane");
        assertThat(Integer.parseInt(controlPlane.get("BEACON_HTTP_PORT"))).isEqualTo(ControlPlaneSettings.DEFAULT_HTTP_PORT);
        assertThat(COMPOSE.containerPorts("control-plane")).containsExactly(ControlPlaneSettings.DEFAULT_HTTP_PORT);
        Map<String, String> ingress = COMPOSE.environment("ingress");
        assertThat(Integer.parseInt(ingress.get("BEACON_INGRESS_PORT"))).isEqualTo(IngressSettings.DEFAULT_PORT);
        assertThat(Integer.parseInt(ingress.get("BEACON_INGRESS_METRICS_PORT")))
                .isEqualTo(IngressSettings.DEFAULT_METRICS_PORT);
        assertThat(COMPOSE.containerPorts("ingress")).containsExactly(IngressSettings.DEFAULT_PORT);
        assertThat(COMPOSE.containerPorts("jobmanager")).containsExactly(RestOptions.PORT.defaultValue());
        assertThat(COMPOSE.containerPorts("postgres")).containsExactly(5432);
        assertThat(controlPlane.get("BEACON_JDBC_URL")).isEqualTo("jdbc:postgresql://postgres:5432/beacon");
        assertThat(COMPOSE.environment("kafka").get("KAFKA_LISTENERS")).contains("PLAINTEXT://:9092");
        assertThat(controlPlane.get("BEACON_KAFKA_BOOTSTRAP")).isEqualTo("kafka:9092");
        assertThat(ingress.get("BEACON_KAFKA_BOOTSTRAP")).isEqualTo("kafka:9092");
    }

    @Test
    void dependenciesSecretsAndVolumesExist() {
        List<String> services = COMPOSE.serviceNames();
        assertThat(services).contains("kafka", "topics", "postgres", "migrate", "control-plane", "ingress",
                "jobmanager", "taskmanager", "microsoft");
        for (String service : services) {
            assertThat(COMPOSE.dependsOn(service)).as("depends_on of %s", service).isSubsetOf(services);
            assertThat(COMPOSE.list(service, "secrets")).as("secrets of %s", service)
                    .isSubsetOf(COMPOSE.topLevelNames("secrets"));
            for (String volume : COMPOSE.list(service, "volumes")) {
                String source = volume.split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(source).as("bind mount of %s", service)
                            .satisfiesAnyOf(s -> assertThat(ComposeFile.ROOT.resolve(s)).exists(),
                                    s -> assertThat(s).endsWith("/target/beacon-job.jar"),
                                    s -> assertThat(s).startsWith("./job/target/flink-lib/"),
                                    s -> assertThat(s).endsWith("/target/beacon-control-plane.jar"),
                                    s -> assertThat(s).isEqualTo("./local/target/beacon-local.jar"),
                                    s -> assertThat(s).isEqualTo("./local/target/compose-demo/lib"));
                } else {
                    assertThat(COMPOSE.topLevelNames("volumes")).as("volume of %s", service).contains(source);
                }
            }
            boolean demo = COMPOSE.list(service, "profiles").contains("demo");
            assertThat(demo).as("only the emulated Microsoft is in the demo profile: %s", service)
                    .isEqualTo(service.equals("microsoft"));
        }
        assertThat(COMPOSE.command("control-plane")).endsWith("/opt/beacon/beacon-control-plane.jar", "serve");
        assertThat(COMPOSE.command("ingress")).endsWith("/opt/beacon/beacon-control-plane.jar", "ingress");
    }

    /**
     * The demo profile's "microsoft" service runs ComposeDemoMicrosoft (local/) on the services' own Kafka, topic and
     * admin API, and compose/demo.override.yml routes the control plane's Microsoft calls to it.
     */
    @Test
    void theDemoProfileFeedsTheServicesThroughTheEmulator() {
        assertThat(COMPOSE.command("microsoft")).last()
                .isEqualTo(dev.beacon.local.compose.ComposeDemoMicrosoft.class.getName());
        assertThat(String.join(" ", COMPOSE.command("microsoft")))
                .contains("/opt/beacon/beacon-local.jar:/opt/beacon/lib/*");
        Map<String, String> microsoft = COMPOSE.environment("microsoft");
        Map<String, String> controlPlane = COMPOSE.environment("control-plane");
        assertThat(microsoft.get("BEACON_DEMO_KAFKA_BOOTSTRAP")).isEqualTo(controlPlane.get("BEACON_KAFKA_BOOTSTRAP"));
        assertThat(microsoft.get("BEACON_DEMO_TOPIC")).isEqualTo(dev.beacon.local.compose.ComposeDemoSettings.DEFAULT_TOPIC)
                .isIn(BeaconOptions.KAFKA_TOPICS.defaultValue());
        assertThat(microsoft.get("BEACON_DEMO_CONTROL_PLANE"))
                .isEqualTo("http://control-plane:" + controlPlane.get("BEACON_HTTP_PORT"));
        assertThat(Integer.parseInt(microsoft.get("BEACON_DEMO_EMULATOR_PORT")))
                .isEqualTo(dev.beacon.local.compose.ComposeDemoSettings.DEFAULT_PORT);
        assertThat(microsoft.get("BEACON_ADMIN_TOKEN_FILE")).isEqualTo(controlPlane.get("BEACON_ADMIN_TOKEN_FILE"));
        assertThat(COMPOSE.list("microsoft", "secrets")).contains("admin-token", "demo-client-secret");
        assertThat(ComposeFile.ROOT.resolve("compose/init-secrets.sh")).content().contains("new demo-client-secret ");

        ComposeFile override = ComposeFile.read("compose/demo.override.yml");
        assertThat(override.serviceNames()).containsExactly("control-plane");
        assertThat(override.environment("control-plane")).containsExactly(Map.entry("BEACON_MICROSOFT_ROUTE",
                "http://microsoft:" + microsoft.get("BEACON_DEMO_EMULATOR_PORT")));
        assertThat(ControlPlaneSettings.fromEnv(Map.of("BEACON_MICROSOFT_ROUTE", "http://microsoft:8090"))
                .microsoftRoute()).isNotNull();
    }

    @Test
    void theTopicsCreatedAreTheOnesTheCodeUses() {
        ControlPlaneSettings controlPlane = ControlPlaneSettings.fromEnv(Map.of());
        Set<String> used = new HashSet<>(BeaconOptions.KAFKA_TOPICS.defaultValue());
        used.addAll(List.of(BeaconOptions.FACTS_TOPIC.defaultValue(), BeaconOptions.DEAD_LETTER_TOPIC.defaultValue(),
                BeaconOptions.LIFECYCLE_TOPIC.defaultValue(), BeaconOptions.HYDRATION_TOPIC.defaultValue(),
                controlPlane.lifecycleTopic(), controlPlane.lifecycleDeadLetterTopic(), controlPlane.hydrationTopic(),
                controlPlane.hydrationDeadLetterTopic(), controlPlane.eventsTopic(), IngressSettings.DEFAULT_TOPIC,
                dev.beacon.control.alerts.AlertsSettings.DEFAULT_DEAD_LETTER_TOPIC));
        Set<String> compacted = Set.of(ReferenceTopics.DIRECTORY, ReferenceTopics.SITES, ReferenceTopics.SECURITY_LINES);

        String script = String.join("\n", COMPOSE.command("topics"));
        List<Set<String>> loops = new ArrayList<>();
        Matcher m = Pattern.compile("for t in ([^;]+);\\s*do\\s*\\n([^\\n]*)").matcher(script);
        Set<String> plain = new LinkedHashSet<>();
        Set<String> compact = new LinkedHashSet<>();
        while (m.find()) {
            Set<String> topics = new LinkedHashSet<>(List.of(m.group(1).trim().split("\\s+")));
            loops.add(topics);
            (m.group(2).contains("cleanup.policy=compact") ? compact : plain).addAll(topics);
        }
        assertThat(loops).as("topic loops in %s", script).hasSize(2);
        assertThat(plain).containsExactlyInAnyOrderElementsOf(used);
        assertThat(compact).containsExactlyInAnyOrderElementsOf(compacted);
        assertThat(COMPOSE.environment("ingress").get("BEACON_INGRESS_TOPIC")).isEqualTo(IngressSettings.DEFAULT_TOPIC);
    }

    /** The modules whose code a service runs: its variables must be read there. */
    private static List<String> modulesRunBy(String service) {
        String command = String.join(" ", COMPOSE.command(service));
        if (command.contains("beacon-control-plane.jar")) {
            return List.of("control-plane", "contracts");
        }
        if (command.contains("beacon-local.jar")) {
            return List.of("local", "contracts");
        }
        if (command.contains("beacon-job.jar") || List.of("jobmanager", "taskmanager").contains(service)) {
            return List.of("job", "sql", "contracts");
        }
        return List.of("contracts", "sql", "job", "control-plane");
    }

    /** Every BeaconOptions key. */
    private static Set<String> beaconOptionKeys() {
        Set<String> keys = new HashSet<>();
        for (Field f : BeaconOptions.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                try {
                    keys.add(((ConfigOption<?>) f.get(null)).key());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return keys;
    }

    /** The repository file a service mounts at {@code target}. */
    private static Path mountedFrom(String service, String target) {
        for (String volume : COMPOSE.list(service, "volumes")) {
            String[] parts = volume.split(":");
            if (parts.length >= 2 && parts[1].equals(target)) {
                Path file = ComposeFile.ROOT.resolve(parts[0]).normalize();
                assertThat(file).as("%s mounts %s", service, target).isRegularFile();
                return file;
            }
        }
        throw new AssertionError(service + " mounts nothing at " + target);
    }

    /** Where a service mounts a named volume. */
    private static String volumeTarget(String service, String volume) {
        return COMPOSE.list(service, "volumes").stream().map(v -> v.split(":")).filter(p -> p[0].equals(volume))
                .map(p -> p[1]).findFirst().orElseThrow(() -> new AssertionError(service + " does not mount " + volume));
    }

    /** The Java main sources of every module, by path. */
    private static Map<Path, String> mainSources() throws IOException {
        Map<Path, String> out = new java.util.HashMap<>();
        try (Stream<Path> modules = Files.list(ComposeFile.ROOT)) {
            for (Path module : modules.filter(p -> Files.isDirectory(p.resolve("src/main/java"))).toList()) {
                try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                        out.put(f, Files.readString(f));
                    }
                }
            }
        }
        assertThat(out).as("main sources under %s", ComposeFile.ROOT).hasSizeGreaterThan(50);
        return out;
    }
}
