package dev.beacon.job.reference;

import dev.beacon.job.ingest.RawRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/** Reads a replay reference file line by line ({@link ReferenceFileLines}); blank lines are skipped. */
final class ReferenceFileFormat extends SimpleStreamFormat<RawRecord> {

    private static final long serialVersionUID = 1L;

    private final String fileName;

    ReferenceFileFormat(String fileName) {
        this.fileName = fileName;
    }

    @Override
    public StreamFormat.Reader<RawRecord> createReader(Configuration config, FSDataInputStream stream) {
        BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        ReferenceFileLines parser = new ReferenceFileLines(fileName);
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
