package dev.mnm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mnm} command. */
@Command(name = "mnm", mixinStandardHelpOptions = true, version = "mnm 0.1.0",
        description = "Agreement and replication on message-and-memory (RDMA-model) systems.",
        subcommands = {SimulateCommand.class, ExploreCommand.class, CheckCommand.class, ClusterCommand.class, KvCommand.class,
            NodeCommands.InitConfig.class, NodeCommands.MemoryNodeCommand.class, NodeCommands.ProcessNodeCommand.class, StatusCommand.class,
            CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, for tests: exit codes are 0 (ok), 1 (a run broke an invariant), 2 (bad usage). */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("mnm: " + e.getMessage());
            cmd.getErr().println("Try 'mnm " + (cmd.getCommandName().equals("mnm") ? "" : cmd.getCommandName() + " ")
                    + "--help' for usage.");
            return 2;
        });
        return cl;
    }
}
