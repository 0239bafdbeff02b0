package dev.beacon.job;

import dev.beacon.job.audit.AuditRecord;
import dev.beacon.job.audit.AuditTrail;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.correlate.CallCorrelator;
import dev.beacon.job.correlate.CallerInput;
import dev.beacon.job.correlate.CallerResolver;
import dev.beacon.job.correlate.CallerTypes;
import dev.beacon.job.correlate.UpnEntry;
import dev.beacon.job.correlate.UpnIndex;
import dev.beacon.job.emergencyevents.EmergencyCallEvent;
import dev.beacon.job.reference.ReferenceData;
import dev.beacon.job.reference.ReferenceUpdate;
import dev.beacon.job.securitylines.SecurityLineCalls;
import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.correlate.FactTypes;
import dev.beacon.job.correlate.Keys;
import dev.beacon.job.correlate.MessageChange;
import dev.beacon.job.correlate.MessageDeduplicator;
import dev.beacon.job.decode.ChatAffinity;
import dev.beacon.job.detect.EmergencySignal;
import dev.beacon.job.ingest.CaptureFileFormat;
import dev.beacon.job.ingest.KafkaClientProperties;
import dev.beacon.job.ingest.KafkaIngest;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.launch.Launcher;
import dev.beacon.job.launch.Preflight;
import dev.beacon.job.launch.RestartPolicy;
import dev.beacon.job.replay.ReplaySummary;
import dev.beacon.job.replay.ReplayTally;
import dev.beacon.job.sink.JdbcTarget;
import dev.beacon.job.sink.JsonLinesFileSink;
import dev.beacon.job.sink.KafkaSinks;
import dev.beacon.job.sink.PostgresSinks;
import dev.beacon.job.sink.RecordJson;
import dev.beacon.job.triage.HydrationRequest;
import dev.beacon.job.triage.LifecycleNotice;
import dev.beacon.job.triage.NotificationTriage;
import dev.beacon.job.triage.TriageOutputs;
import dev.beacon.job.triage.TriageSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

/**
 * Beacon's Flink job: Graph notifications in, emergency-call facts out.
 *
 * <pre>
 * records ─▶ by chat ─▶ triage ─▶ keyBy(tenant, chat, message) ─▶ dedup ─▶ message changes ───────────┐
 *                         ├─▶ emergency call events ─▶ keyBy(tenant, lower(upn)) resolve caller ─────┤
 *                         ├─▶ lifecycle notices, needs-hydration requests                             │
 *                         └─▶ audit rows and dead letters (from every stage)                          │
 * reference data ─▶ directory users ─▶ keyBy(user) UPN index ─▶ (resolve caller)                      │
 *                                   ─────────────────────────────────────────────────────────────────┤
 *                ─▶ sites (broadcast) ─▶ keyBy(tenant, caller) correlate ◀───────────────────────────┘ ─▶ facts
 *                ─▶ security lines (broadcast) ─▶ keyBy(call) SecurityLineCalls ◀─ triage's ACS Incoming calls ─▶ facts
 * </pre>
 *
 * {@link #defineWorkflow} takes its input and outputs as parameters, so tests and replay mode swap them.
 */
public final class BeaconJob {

    private BeaconJob() {}

    /** On any failure: one line with the cause (naming the setting, for configuration errors), exit status 1. */
    public static void main(String[] args) {
        Launcher.runOrExit(() -> run(args, System.out));
    }

    /** The job, checked first ({@link Preflight}); a replay prints its {@link ReplaySummary} to {@code out}. */
    public static JobExecutionResult run(String[] args, PrintStream out) throws Exception {
        Configuration conf = parseArguments(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(runtimeSettings(conf));
        String replay = conf.get(BeaconOptions.REPLAY_FILE);
        Preflight.check(conf, replay != null || Preflight.runsInThisProcess(env));
        if (replay != null) {
            defineWorkflow(BeaconSources.of(replaySource(env, replay))
                    .referenceData(ReferenceData.configured(env, conf)), replaySinks(conf), conf);
            JobExecutionResult result = env.execute("beacon-replay");
            ReplaySummary.from(result).lines().forEach(out::println);
            return result;
        } else {
            DataStream<RawRecord> records = env
                    .fromSource(KafkaIngest.source(conf), WatermarkStrategy.noWatermarks(), "graph-notifications")
                    .uid("kafka-source");
            defineWorkflow(BeaconSources.of(records).referenceData(ReferenceData.configured(env, conf)),
                    productionSinks(conf), conf);
            return env.execute("beacon");
        }
    }

    /** Wires the pipeline between a stream of raw records (no reference data) and the given sinks. */
    public static void defineWorkflow(DataStream<RawRecord> records, BeaconSinks sinks, Configuration conf) {
        defineWorkflow(BeaconSources.of(records), sinks, conf);
    }

    /** Wires the pipeline between the job's inputs and the given sinks. */
    public static void defineWorkflow(BeaconSources sources, BeaconSinks sinks, Configuration conf) {
        // Spread over every slot before triage (decryption is nearly all of the CPU; chained to the source it would
        // run only in as many instances as the source has splits), one chat per instance so that each chat's order
        // survives. Triage keeps its uid and holds no state, so savepoints taken either way restore either way.
        DataStream<RawRecord> records = sources.records;
        DataStream<RawRecord> toTriage = conf.get(BeaconOptions.REPARTITION_BY_CHAT)
                ? ChatAffinity.spread(records) : records;
        SingleOutputStreamOperator<EmergencySignal> signals = toTriage
                .process(new NotificationTriage(TriageSettings.from(conf)))
                .name("triage").uid("triage");

        SingleOutputStreamOperator<MessageChange> changes = signals
                .keyBy(Keys::message, Types.STRING)
                .process(new MessageDeduplicator(conf.get(BeaconOptions.MESSAGE_RETENTION)))
                .name("deduplicate-messages").uid("deduplicate-messages");

        ReferenceStreams reference = ReferenceStreams.split(sources.referenceData, records);
        DataStream<EmergencyCallEvent> events = signals.getSideOutput(TriageOutputs.EMERGENCY_CALL_EVENTS);
        // Without reference data there is no directory to wait for: unknown UPNs go on at once.
        Duration grace = sources.referenceData != null
                ? conf.get(BeaconOptions.CALLER_RESOLUTION_GRACE) : Duration.ZERO;
        DataStream<UpnEntry> upnIndex = reference.directoryUsers()
                .keyBy(u -> u.key, Types.STRING)
                .process(new UpnIndex())
                .name("directory-upn-index").uid("directory-upn-index");
        SingleOutputStreamOperator<EmergencyCallEvent> resolvedEvents = events
                .keyBy(CallerResolver::key, Types.STRING)
                .connect(upnIndex.keyBy(e -> e.key, Types.STRING))
                .transform("resolve-callers", TypeInformation.of(EmergencyCallEvent.class),
                        CallerResolver.operator(new CallerResolver(grace)))
                .uid("resolve-callers");

        TypeInformation<CallerInput> inputType = TypeInformation.of(CallerInput.class);
        DataStream<CallerInput> callerInputs = changes.map(CallerInput::of).returns(inputType)
                .name("message-changes").uid("caller-input-changes")
                .union(resolvedEvents.map(CallerInput::of).returns(inputType)
                                .name("call-events").uid("caller-input-events"),
                        reference.directoryUsers().map(CallerInput::of).returns(inputType)
                                .name("directory-users").uid("caller-input-directory"));

        SingleOutputStreamOperator<EmergencyCallFact> facts = callerInputs
                .keyBy(CallerInput::key, Types.STRING)
                .connect(reference.sites().broadcast(CallerTypes.SITES))
                .process(new CallCorrelator(
                        conf.get(BeaconOptions.CORRELATION_WINDOW), conf.get(BeaconOptions.FACT_RETENTION)))
                .returns(FactTypes.FACT)
                .name("correlate-calls").uid("correlate-calls");
        // ACS calls to the security lines: facts of their own (kind security-line), not correlated with the caller's.
        SingleOutputStreamOperator<EmergencyCallFact> securityLineFacts = SecurityLineCalls.define(
                signals.getSideOutput(TriageOutputs.INCOMING_CALLS), reference.securityLines(), conf);
        DataStream<EmergencyCallFact> allFacts = facts.union(securityLineFacts);

        DataStream<AuditRecord> audit = signals.getSideOutput(AuditTrail.AUDIT)
                .union(changes.getSideOutput(AuditTrail.AUDIT), facts.getSideOutput(AuditTrail.AUDIT),
                        securityLineFacts.getSideOutput(AuditTrail.AUDIT));
        DataStream<DeadLetter> deadLetters = signals.getSideOutput(AuditTrail.DEAD_LETTERS)
                .union(facts.getSideOutput(AuditTrail.DEAD_LETTERS),
                        securityLineFacts.getSideOutput(AuditTrail.DEAD_LETTERS));
        if (sources.referenceData instanceof SingleOutputStreamOperator<ReferenceUpdate> decoded) {
            deadLetters = deadLetters.union(decoded.getSideOutput(ReferenceData.DEAD_LETTERS));
        }
        DataStream<LifecycleNotice> lifecycle = signals.getSideOutput(TriageOutputs.LIFECYCLE);
        DataStream<HydrationRequest> hydration = signals.getSideOutput(TriageOutputs.NEEDS_HYDRATION);

        attach(allFacts, sinks.facts, sinks, "facts");
        attach(audit, sinks.audit, sinks, "audit");
        attach(deadLetters, sinks.deadLetters, sinks, "dead-letters");
        attach(lifecycle, sinks.lifecycle, sinks, "lifecycle");
        attach(hydration, sinks.needsHydration, sinks, "needs-hydration");
    }

    private static <T> void attach(DataStream<T> stream, List<Sink<T>> targets, BeaconSinks sinks, String name) {
        for (int i = 0; i < targets.size(); i++) {
            Sink<T> sink = targets.get(i);
            String id = name + "-sink-" + i + "-" + sink.getClass().getSimpleName().toLowerCase(Locale.ROOT);
            var attached = stream.sinkTo(sink).name(id).uid(id);
            if (sinks.singleWriter.contains(sink)) {
                attached.setParallelism(1);
            }
        }
    }

    /** Kafka and PostgreSQL, as configured. PostgreSQL is optional (no {@code jdbc.url}: Kafka only). */
    public static BeaconSinks productionSinks(Configuration conf) {
        Properties kafka = KafkaClientProperties.forSinks(conf);
        DeliveryGuarantee guarantee = deliveryGuarantee(conf.get(BeaconOptions.DELIVERY_GUARANTEE));
        String prefix = conf.get(BeaconOptions.TRANSACTIONAL_ID_PREFIX);
        BeaconSinks sinks = new BeaconSinks()
                .facts(KafkaSinks.facts(kafka, conf.get(BeaconOptions.FACTS_TOPIC), guarantee, prefix + "-facts"))
                .deadLetters(KafkaSinks.deadLetters(
                        kafka, conf.get(BeaconOptions.DEAD_LETTER_TOPIC), guarantee, prefix + "-dead-letters"))
                .lifecycle(KafkaSinks.lifecycle(
                        kafka, conf.get(BeaconOptions.LIFECYCLE_TOPIC), guarantee, prefix + "-lifecycle"))
                .needsHydration(KafkaSinks.needsHydration(
                        kafka, conf.get(BeaconOptions.HYDRATION_TOPIC), guarantee, prefix + "-hydration"));
        String url = conf.get(BeaconOptions.JDBC_URL);
        if (url != null) {
            JdbcTarget db = new JdbcTarget(url, conf.get(BeaconOptions.JDBC_USER),
                    conf.get(BeaconOptions.JDBC_PASSWORD_ENV), conf.get(BeaconOptions.JDBC_PASSWORD_FILE));
            sinks.facts(PostgresSinks.facts(db, PostgresSinks.defaultExecution()))
                    .audit(PostgresSinks.audit(db, PostgresSinks.defaultExecution()))
                    .deadLetters(PostgresSinks.deadLetters(db, PostgresSinks.defaultExecution()));
        }
        return sinks;
    }

    /** Replay mode: final facts (and optionally dead letters and the audit trail) as JSON Lines files, counted. */
    public static BeaconSinks replaySinks(Configuration conf) {
        BeaconSinks sinks = new BeaconSinks()
                .facts(ReplayTally.facts()).audit(ReplayTally.audit()).deadLetters(ReplayTally.deadLetters());
        var facts = JsonLinesFileSink.latestFacts(Path.of(conf.get(BeaconOptions.FACTS_OUT)));
        sinks.facts(facts).singleWriter(facts);
        String deadLettersOut = conf.get(BeaconOptions.DEAD_LETTERS_OUT);
        if (deadLettersOut != null) {
            var deadLetters = JsonLinesFileSink.appending(Path.of(deadLettersOut), RecordJson::deadLetter);
            sinks.deadLetters(deadLetters).singleWriter(deadLetters);
        }
        String auditOut = conf.get(BeaconOptions.AUDIT_OUT);
        if (auditOut != null) {
            var audit = JsonLinesFileSink.appending(Path.of(auditOut), RecordJson::audit);
            sinks.audit(audit).singleWriter(audit);
        }
        return sinks;
    }

    public static DataStream<RawRecord> replaySource(StreamExecutionEnvironment env, String file) {
        Path path = Path.of(file).toAbsolutePath();
        FileSource<RawRecord> source = FileSource
                .forRecordStreamFormat(new CaptureFileFormat(path.getFileName().toString()),
                        new org.apache.flink.core.fs.Path(path.toUri()))
                .build();
        return ReplayTally.countRecords(
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "capture-file").uid("capture-file"));
    }

    /**
     * Beacon's defaults for state and checkpoints: RocksDB with incremental checkpoints, retained on cancellation.
     * Anything also set in the cluster's or the command line's Flink configuration is overridden here only when
     * Beacon's own option was given. The restart strategy is always Beacon's ({@link RestartPolicy}): Flink's default
     * for a checkpointed job restarts forever.
     */
    public static Configuration runtimeSettings(Configuration conf) {
        Configuration flink = new Configuration();
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, conf.get(BeaconOptions.CHECKPOINT_INTERVAL));
        flink.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        String dir = conf.get(BeaconOptions.CHECKPOINT_DIR);
        if (dir != null) {
            flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
        }
        flink.addAll(RestartPolicy.settings(conf));
        return flink;
    }

    public static DeliveryGuarantee deliveryGuarantee(String value) {
        return switch (value.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
            case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
            default -> throw new IllegalArgumentException(
                    "sink.delivery-guarantee must be at-least-once or exactly-once, not '" + value + "'");
        };
    }

    /** {@code --key value} arguments, on top of an optional {@code --config FILE} properties file. */
    public static Configuration parseArguments(String[] args) throws java.io.IOException {
        ParameterTool params = ParameterTool.fromArgs(args);
        if (params.has("config")) {
            params = ParameterTool.fromPropertiesFile(params.get("config")).mergeWith(params);
        }
        return Configuration.fromMap(params.toMap());
    }
}
