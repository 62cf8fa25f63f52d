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
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String why = environmentProblem(e);
            if (why == null) {
                throw e; // a bug: the stack trace is what a report needs
            }
            cmd.getErr().println("mnm: " + why);
            return 2;
        });
        return cl;
    }

    /** One line for a failure caused by the machine or the arguments (a busy port, a bad path), or null. */
    static String environmentProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return "cannot listen: " + t.getMessage() + " (is another node or program using the port?)";
            }
            if (t instanceof java.nio.file.NoSuchFileException f) {
                return "no such file or directory: " + f.getFile();
            }
            if (t instanceof java.nio.file.FileAlreadyExistsException f) {
                return "already exists and is not a directory: " + f.getFile();
            }
            if (t instanceof java.nio.file.AccessDeniedException f) {
                return "permission denied: " + f.getFile();
            }
            if (t instanceof java.nio.file.FileSystemException f) {
                return f.getFile() + ": " + f.getReason();
            }
        }
        return null;
    }
}
