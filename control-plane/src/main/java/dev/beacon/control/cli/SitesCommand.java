package dev.beacon.control.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.beacon.control.sites.NewSite;
import dev.beacon.control.sites.SiteView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code beaconctl sites …}: the sites facts are matched to ({@code /api/sites}). */
@Command(name = "sites", mixinStandardHelpOptions = true,
            description = {"Add, list, import and remove sites.",
        "A fact whose location text contains one of a site's match terms (any case) gets the site's address, "
                + "building, floor, coordinates and responders. Every change is on Kafka (beacon-sites) before "
                + "the command returns."},
        subcommands = {SitesCommand.Add.class, SitesCommand.ListCmd.class, SitesCommand.Remove.class,
                SitesCommand.Import.class})
final class SitesCommand extends BeaconCtl.Sub implements Callable<Integer> {

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return 2;
    }

    static String path(String siteId) {
        return "/api/sites/" + ApiClient.segment(siteId);
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Add a site, or replace the site with that id.",
            "The name is always a match term; add network-site names, room codes and other words the location "
                    + "text may carry with --match."})
    static final class Add extends BeaconCtl.Sub implements Callable<Integer> {
        @Parameters(paramLabel = "SITE-ID", description = "Lower-case letters, digits, '.', '_', '-' (at most 64).")
        String siteId;
        @Option(names = "--name", required = true, description = "The site's name (also a match term).")
        String name;
        @Option(names = "--match", paramLabel = "TERM", description = "Another match term; repeat for several.")
        List<String> match = new ArrayList<>();
        @Option(names = "--tenant", description = "Only this tenant's facts (default: every tenant).")
        String tenant;
        @Option(names = "--address", description = "Street address.")
        String address;
        @Option(names = "--building", description = "Building.")
        String building;
        @Option(names = "--floor", description = "Floor.")
        String floor;
        @Option(names = "--lat", paramLabel = "DEGREES", description = "Latitude, -90..90 (with --lon).")
        Double lat;
        @Option(names = "--lon", paramLabel = "DEGREES", description = "Longitude, -180..180 (with --lat).")
        Double lon;
        @Option(names = "--responder", paramLabel = "WHO",
                description = "Who responds there (name, team or number); repeat for several, in order.")
        List<String> responders = new ArrayList<>();

        @Override
        public Integer call() {
            SiteView v = api().put(path(siteId), new NewSite(tenant, name, match, address, building, floor, lat,
                    lon, responders), new TypeReference<>() { });
            out().println("Site " + v.siteId() + " stored and published (match terms: "
                    + String.join(", ", v.matchTerms()) + ").");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List sites.")
    static final class ListCmd extends BeaconCtl.Sub implements Callable<Integer> {
        @Override
        public Integer call() {
            List<SiteView> sites = api().get("/api/sites", new TypeReference<>() { });
            TextTable t = new TextTable("SITE", "NAME", "TENANT", "MATCH TERMS", "ADDRESS", "BUILDING", "FLOOR",
                    "LAT,LON", "RESPONDERS");
            for (SiteView s : sites) {
                t.row(s.siteId(), s.name(), s.tenantId() == null ? "(all)" : s.tenantId(),
                        String.join("; ", s.matchTerms()), s.address(), s.building(), s.floor(),
                        s.latitude() == null ? null : s.latitude() + "," + s.longitude(),
                        s.responders().isEmpty() ? null : String.join("; ", s.responders()));
            }
            out().print(t.isEmpty() ? "No sites.\n" : t.render());
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a site (a tombstone on beacon-sites).")
    static final class Remove extends BeaconCtl.Sub implements Callable<Integer> {
        @Parameters(paramLabel = "SITE-ID")
        String siteId;

        @Override
        public Integer call() {
            api().delete(path(siteId));
            out().println("Removed site " + siteId + ".");
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Add or replace the sites of a CSV file, one per row.",
            "Header: " + SiteCsv.HEADER, "Lists (match_terms, responders) are separated by ';'. Stops at the "
                    + "first row the server refuses; the rows before it are stored."})
    static final class Import extends BeaconCtl.Sub implements Callable<Integer> {
        @Parameters(paramLabel = "FILE.csv")
        Path file;

        @Override
        public Integer call() {
            List<SiteCsv.Row> rows = SiteCsv.read(file);
            int n = 0;
            for (SiteCsv.Row r : rows) {
                try {
                    api().put(path(r.siteId()), r.site(), new TypeReference<SiteView>() { });
                } catch (ApiClient.ApiException e) {
                    throw new ApiClient.ApiException("line " + r.line() + " (site " + r.siteId() + "): "
                            + e.getMessage() + "; " + n + " site(s) imported before it");
                }
                n++;
            }
            out().println("Imported " + n + " site(s) from " + file.getFileName() + ".");
            return 0;
        }
    }
}
