package dev.beacon.control.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.beacon.control.sites.NewSite;
import dev.beacon.control.testing.MutableClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CSV of {@code beaconctl sites import}, and the help texts of {@code sites} and {@code lines}. */
class SiteCsvTest {

    @TempDir
    Path dir;

    @Test
    void quotedFieldsKeepCommasAndDoubledQuotes() {
        assertThat(SiteCsv.fields("a,\"1 Main St, Springfield\",\"say \"\"hi\"\"\",,", 2))
                .containsExactly("a", "1 Main St, Springfield", "say \"hi\"", "", "");
        assertThatThrownBy(() -> SiteCsv.fields("a,\"open", 7)).hasMessage("line 7: a quoted field is not closed");
    }

    @Test
    void rowsBecomeSitesWithListsSplitOnSemicolons() throws Exception {
        Path csv = Files.writeString(dir.resolve("s.csv"), "\uFEFF" + SiteCsv.HEADER + "\n"
                + "hq,HQ,contoso.com, NS-1 ; Lobby ;,\"1 Main St, Springfield\",A,2,47.5,-122.25,Desk;+15550100\n");
        assertThat(SiteCsv.read(csv)).containsExactly(new SiteCsv.Row(2, "hq", new NewSite("contoso.com", "HQ",
                List.of("NS-1", "Lobby"), "1 Main St, Springfield", "A", "2", 47.5, -122.25,
                List.of("Desk", "+15550100"))));
    }

    @Test
    void aWrongHeaderOrFieldCountOrNumberIsRefusedWithItsLine() throws Exception {
        Path noHeader = Files.writeString(dir.resolve("a.csv"), "id,name\n");
        assertThatThrownBy(() -> SiteCsv.read(noHeader)).hasMessage("a.csv: the first line must be the header "
                + SiteCsv.HEADER);
        Path short_ = Files.writeString(dir.resolve("b.csv"), SiteCsv.HEADER + "\nhq,HQ\n");
        assertThatThrownBy(() -> SiteCsv.read(short_)).hasMessage("line 2: 2 fields, expected 10");
        Path badLat = Files.writeString(dir.resolve("c.csv"), SiteCsv.HEADER + "\nhq,HQ,,,,,,north,1,\n");
        assertThatThrownBy(() -> SiteCsv.read(badLat)).hasMessage("line 2: latitude is not a number");
    }

    @Test
    void helpTextsExplainMatchTermsLinesAndTheSync() {
        String sites = help("sites", "add", "--help");
        assertThat(sites).contains("Add a site, or replace the site with that id.").contains("--match=TERM")
                .contains("--lat=DEGREES").contains("--responder=WHO").contains("The name is always a match term");
        assertThat(help("sites", "import", "--help").replace(" ", "")).contains(SiteCsv.HEADER); // wrapped
        String lines = help("lines", "--help");
        assertThat(lines).contains("28:orgid:<object id>").contains("BEACON_RESOURCE_ACCOUNTS_SYNC_INTERVAL")
                .contains("TeamsResourceAccount.Read.All").contains("add").contains("list").contains("remove");
    }

    private static String help(String... args) {
        StringWriter out = new StringWriter();
        BeaconCtl.commandLine(Map.of(), new MutableClock(Instant.EPOCH)).setOut(new PrintWriter(out, true))
                .execute(args);
        return out.toString().replaceAll("\\s+", " ");
    }
}
