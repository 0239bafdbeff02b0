package dev.beacon.control.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code beaconctl help [COMMAND...]}: the usage of the root, or of any command at any depth
 * ({@code help integrations add}). picocli's own help command only goes one level down.
 */
@Command(name = "help", helpCommand = true,
        description = "Show the usage of beaconctl or of a command, e.g. 'help integrations add'.")
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command (and subcommands) to describe.")
    List<String> path = new ArrayList<>();

    private CommandLine self;
    private PrintWriter out;
    private PrintWriter err;

    @Override
    public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter out,
                     PrintWriter err) {
        this.self = helpCommandLine;
        this.out = out;
        this.err = err;
    }

    @Override
    public void run() {
        CommandLine target = self.getParent();
        for (String name : path) {
            CommandLine next = target.getSubcommands().get(name);
            if (next == null) {
                err.println("Unknown command: '" + String.join(" ", path) + "'. Run 'beaconctl help' for the list.");
                throw new CommandLine.ParameterException(self, "unknown command '" + name + "'");
            }
            target = next;
        }
        target.usage(out);
        out.flush();
    }
}
