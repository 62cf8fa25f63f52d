package dev.mnm.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mnm kv}: a small RESP client for the key-value service. */
@Command(name = "kv", mixinStandardHelpOptions = true,
        header = "Send one command to the key-value service (get, set, incr, del, mget, mset, append, ... — any it serves).",
        footer = {"", "Examples:", "  mnm kv set greeting hello", "  mnm kv --port 7380 get greeting"})
final class KvCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", description = "(default: ${DEFAULT-VALUE})")
    String host = "127.0.0.1";

    @Option(names = "--port", description = "(default: ${DEFAULT-VALUE})")
    int port = 7379;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "the command and its arguments")
    List<String> words;

    @Override
    public Integer call() {
        if (port < 1 || port > 65_535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be between 1 and 65535: " + port);
        }
        ByteArrayOutputStream cmd = new ByteArrayOutputStream();
        cmd.writeBytes(("*" + words.size() + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (String w : words) {
            byte[] b = w.getBytes(StandardCharsets.UTF_8);
            cmd.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            cmd.writeBytes(b);
            cmd.writeBytes(new byte[] {'\r', '\n'});
        }
        try (Socket s = new Socket(host, port)) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(cmd.toByteArray());
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream());
            StringBuilder text = new StringBuilder();
            boolean error = print(in, text, "");
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
            return error ? 1 : 0;
        } catch (IOException e) {
            spec.commandLine().getErr().println("mnm kv: cannot reach " + host + ":" + port + ": " + e.getMessage());
            return 1;
        }
    }

    /** Prints a reply the way redis-cli does; true if it was an error. */
    private static boolean print(InputStream in, StringBuilder out, String indent) throws IOException {
        String line = line(in);
        switch (line.isEmpty() ? '?' : line.charAt(0)) {
            case '+' -> out.append(indent).append(line.substring(1)).append('\n');
            case '-' -> {
                out.append(indent).append("(error) ").append(line.substring(1)).append('\n');
                return true;
            }
            case ':' -> out.append(indent).append("(integer) ").append(line.substring(1)).append('\n');
            case '$' -> {
                int len = Integer.parseInt(line.substring(1));
                if (len < 0) {
                    out.append(indent).append("(nil)\n");
                } else {
                    byte[] b = in.readNBytes(len + 2);
                    out.append(indent).append('"').append(new String(b, 0, len, StandardCharsets.UTF_8)).append("\"\n");
                }
            }
            case '*' -> {
                int n = Integer.parseInt(line.substring(1));
                for (int k = 1; k <= n; k++) {
                    out.append(indent).append(k).append(") ");
                    StringBuilder item = new StringBuilder();
                    print(in, item, "");
                    out.append(item);
                }
            }
            default -> throw new IOException("not a RESP reply: " + line);
        }
        return false;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\r') {
            sb.append((char) c);
        }
        in.read();
        return sb.toString();
    }
}
