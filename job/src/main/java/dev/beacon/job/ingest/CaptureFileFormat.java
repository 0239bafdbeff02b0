package dev.beacon.job.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads a capture file line by line for replay mode. Not splittable, so one reader sees the whole file and can
 * number its lines: the line number is the record's offset.
 */
public final class CaptureFileFormat extends SimpleStreamFormat<RawRecord> {

    /** Parses one non-blank line (numbered from 1) of a file into a record. */
    public interface LineParser {
        RawRecord parse(String line, long lineNumber);
    }

    /** Makes the parser for a file; serializable, since the format travels with the job graph. */
    public interface LineParsers extends java.io.Serializable {
        LineParser forFile(String fileName);
    }

    private final String fileName;
    private final LineParsers parsers;

    /** A capture file ({@link CaptureLines}). */
    public CaptureFileFormat(String fileName) {
        this(fileName, CaptureLines::new);
    }

    /** A line-oriented file of another kind, e.g. the replay reference file. */
    public CaptureFileFormat(String fileName, LineParsers parsers) {
        this.fileName = fileName;
        this.parsers = parsers;
    }

    @Override
    public StreamFormat.Reader<RawRecord> createReader(Configuration config, FSDataInputStream stream) {
        BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        LineParser parser = parsers.forFile(fileName);
        return new StreamFormat.Reader<>() {
            private long lineNumber;

            @Override
            public RawRecord read() throws IOException {
                String line;
                do {
                    line = lines.readLine();
                    if (line == null) {
                        return null;
                    }
                    lineNumber++;
                } while (line.isBlank());
                return parser.parse(line, lineNumber);
            }

            @Override
            public void close() throws IOException {
                lines.close();
            }
        };
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
