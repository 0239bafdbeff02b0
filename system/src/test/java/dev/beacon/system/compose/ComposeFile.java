package dev.beacon.system.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * docker-compose.yml as data: its services, their images, environment, commands, ports and dependencies, read with
 * Jackson's YAML parser (no docker needed). Both compose spellings are understood: environment as a map or as a
 * list of NAME=value, depends_on as a list or as a map.
 */
final class ComposeFile {

    /** The repository root (tests run in the system module's directory). */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    final JsonNode root;

    private ComposeFile(JsonNode root) {
        this.root = root;
    }

    static ComposeFile read() {
        return read("docker-compose.yml");
    }

    /** A compose file of the repository, e.g. an override file under compose/. */
    static ComposeFile read(String file) {
        try {
            return new ComposeFile(new ObjectMapper(new YAMLFactory()).readTree(
                    Files.readString(ROOT.resolve(file))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> serviceNames() {
        List<String> names = new ArrayList<>();
        root.path("services").fieldNames().forEachRemaining(names::add);
        return names;
    }

    JsonNode service(String name) {
        JsonNode s = root.path("services").path(name);
        if (s.isMissingNode()) {
            throw new AssertionError("docker-compose.yml has no service " + name);
        }
        return s;
    }

    /** The service's environment, whichever way it is written. */
    Map<String, String> environment(String service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode e = service(service).path("environment");
        if (e.isArray()) {
            e.forEach(item -> {
                String[] kv = item.asText().split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            });
        } else {
            e.fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText()));
        }
        return env;
    }

    /** The services this one depends on. */
    List<String> dependsOn(String service) {
        List<String> out = new ArrayList<>();
        JsonNode d = service(service).path("depends_on");
        if (d.isArray()) {
            d.forEach(n -> out.add(n.asText()));
        } else {
            d.fieldNames().forEachRemaining(out::add);
        }
        return out;
    }

    /** The command as a list of words (a string command split on blanks). */
    List<String> command(String service) {
        JsonNode c = service(service).path("command");
        List<String> out = new ArrayList<>();
        if (c.isArray()) {
            c.forEach(n -> out.add(n.asText()));
        } else if (!c.isMissingNode()) {
            out.addAll(List.of(c.asText().trim().split("\\s+")));
        }
        return out;
    }

    /** Container ports the service publishes ("host:container" or "container"). */
    List<Integer> containerPorts(String service) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode p : service(service).path("ports")) {
            String[] parts = p.asText().split(":");
            out.add(Integer.parseInt(parts[parts.length - 1].replaceAll("/.*", "")));
        }
        return out;
    }

    /** Values of a list-valued key (secrets, profiles, volumes as strings). */
    List<String> list(String service, String key) {
        List<String> out = new ArrayList<>();
        for (Iterator<JsonNode> it = service(service).path(key).elements(); it.hasNext(); ) {
            JsonNode n = it.next();
            out.add(n.isTextual() ? n.asText() : n.path("source").asText());
        }
        return out;
    }

    List<String> topLevelNames(String section) {
        List<String> names = new ArrayList<>();
        root.path(section).fieldNames().forEachRemaining(names::add);
        return names;
    }
}
