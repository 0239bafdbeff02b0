package dev.beacon.drill.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The JobManager's REST API, as far as the drill observes the cluster: task managers and their slots, a job's state
 * and its tasks' states, restarts and checkpoints. Everything the drill waits for is read here.
 */
public final class FlinkRest {

    /** A task manager as the JobManager sees it. */
    public record TaskManagerInfo(String id, int slots, int freeSlots) {
        public int usedSlots() {
            return slots - freeSlots;
        }
    }

    /** A job's state and the distinct states of its vertices (all {@code RUNNING} once every task runs). */
    public record JobState(String state, List<String> vertexStates) {
        public boolean allTasksRunning() {
            return "RUNNING".equals(state) && !vertexStates.isEmpty()
                    && vertexStates.stream().allMatch("RUNNING"::equals);
        }

        @Override
        public String toString() {
            return state + " " + vertexStates;
        }
    }

    /** The latest completed checkpoint (id 0 when there is none) and how many completed so far. */
    public record Checkpoints(long completed, long failed, long latestId, long latestTriggeredAtMillis,
            long latestCompletedAtMillis, String restoredFrom) {}

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    public FlinkRest(String host, int port) {
        this.base = URI.create("http://" + host + ":" + port);
    }

    public URI base() {
        return base;
    }

    public List<TaskManagerInfo> taskManagers() {
        List<TaskManagerInfo> out = new ArrayList<>();
        for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
            out.add(new TaskManagerInfo(tm.path("id").asText(), tm.path("slotsNumber").asInt(),
                    tm.path("freeSlots").asInt()));
        }
        return out;
    }

    public JobState job(String jobId) {
        JsonNode job = get("/jobs/" + jobId);
        List<String> vertexStates = new ArrayList<>();
        for (JsonNode v : job.path("vertices")) {
            String status = v.path("status").asText();
            if (!vertexStates.contains(status)) {
                vertexStates.add(status);
            }
        }
        return new JobState(job.path("state").asText(), vertexStates);
    }

    /** Ids of the jobs the cluster knows, with their state, e.g. {@code [abc…:RUNNING]}. */
    public List<String> jobs() {
        List<String> out = new ArrayList<>();
        for (JsonNode j : get("/jobs").path("jobs")) {
            out.add(j.path("id").asText() + ":" + j.path("status").asText());
        }
        return out;
    }

    public Checkpoints checkpoints(String jobId) {
        JsonNode c = get("/jobs/" + jobId + "/checkpoints");
        JsonNode latest = c.path("latest").path("completed");
        JsonNode restored = c.path("latest").path("restored");
        return new Checkpoints(
                c.path("counts").path("completed").asLong(),
                c.path("counts").path("failed").asLong(),
                latest.path("id").asLong(0),
                latest.path("trigger_timestamp").asLong(0),
                latest.path("latest_ack_timestamp").asLong(0),
                restored.isMissingNode() || restored.isNull() ? null : restored.path("external_path").asText(null));
    }

    /** A failure in the job's exception history: when the JobManager saw it, where, and its first line. */
    public record Failure(long timestampMillis, String taskManagerId, String summary) {}

    /**
     * The job's failures the JobManager recorded at or after {@code sinceMillis}, newest first: one per failover
     * (each one restarted the job), from its exception history.
     */
    public List<Failure> failuresSince(String jobId, long sinceMillis) {
        List<Failure> out = new ArrayList<>();
        for (JsonNode e : get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries")) {
            if (e.path("timestamp").asLong() >= sinceMillis) {
                String firstLine = e.path("stacktrace").asText("").lines().findFirst().orElse("");
                out.add(new Failure(e.path("timestamp").asLong(), e.path("taskManagerId").asText("?"), firstLine));
            }
        }
        return out;
    }

    /** A job vertex (an operator chain): its id and name, e.g. {@code Source: kafka-source -> triage}. */
    public record Vertex(String id, String name) {}

    /** One subtask of a vertex: where its current attempt runs and its state. */
    public record Subtask(int index, int attempt, String taskManagerId, String status) {}

    public List<Vertex> vertices(String jobId) {
        List<Vertex> out = new ArrayList<>();
        for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
            out.add(new Vertex(v.path("id").asText(), v.path("name").asText()));
        }
        return out;
    }

    public List<Subtask> subtasks(String jobId, String vertexId) {
        List<Subtask> out = new ArrayList<>();
        for (JsonNode s : get("/jobs/" + jobId + "/vertices/" + vertexId).path("subtasks")) {
            out.add(new Subtask(s.path("subtask").asInt(), s.path("attempt").asInt(),
                    s.path("taskmanager-id").asText("?"), s.path("status").asText()));
        }
        return out;
    }

    /**
     * The current value of an operator metric of every subtask of a vertex that reports it, by subtask index: the
     * REST API names them {@code <subtask>.<operator>.<metric>}. Values come from the JobManager's metric fetcher
     * ({@code metrics.fetcher.update-interval}), so a just restarted subtask may not report yet.
     */
    public java.util.Map<Integer, String> operatorMetric(String jobId, String vertexId, String metric) {
        String path = "/jobs/" + jobId + "/vertices/" + vertexId + "/metrics";
        List<String> ids = new ArrayList<>();
        for (JsonNode m : get(path)) {
            String id = m.path("id").asText();
            if (id.endsWith("." + metric) && id.indexOf('.') < id.length() - metric.length() - 1) {
                ids.add(id);
            }
        }
        java.util.Map<Integer, String> out = new java.util.TreeMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        for (JsonNode m : get(path + "?get=" + String.join(",", ids))) {
            String id = m.path("id").asText();
            out.put(Integer.parseInt(id.substring(0, id.indexOf('.'))), m.path("value").asText());
        }
        return out;
    }

    /** TaskManager metrics by name, e.g. {@code Status.JVM.ClassLoader.ClassesLoaded}; absent ones are left out. */
    public java.util.Map<String, String> taskManagerMetrics(String taskManagerId, List<String> names) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (JsonNode m : get("/taskmanagers/" + taskManagerId + "/metrics?get=" + String.join(",", names))) {
            out.put(m.path("id").asText(), m.path("value").asText());
        }
        return out;
    }

    private JsonNode get(String path) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "GET " + path + " → " + response.statusCode() + " " + response.body());
            }
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + base.resolve(path) + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
