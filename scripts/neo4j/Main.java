// A Neo4j 5.26 Community server embedded in one small program, for machines
// without Docker or a server tarball. Run in Java's source-file mode against the
// jars that scripts/neo4j/pom.xml copies (scripts/neo4j.sh does all of this):
//
//   java -cp "LIB/*" scripts/neo4j/Main.java [HOME] [HOST:PORT]
//
// HOME       data and logs go here (else $ORGGRAPH_NEO4J_HOME, else ./neo4j-home)
// HOST:PORT  Bolt listen address (else $ORGGRAPH_NEO4J_LISTEN, else 127.0.0.1:7687)
// $ORGGRAPH_NEO4J_PAGECACHE  page cache size, default 256m
// $ORGGRAPH_NEO4J_TX_MEMORY  memory all transactions may hold (dbms.memory.transaction.total.max),
//                            e.g. 10g; 0 means no limit. Default: Neo4j's own (70 % of the heap).
//
// Bolt only (no HTTP), no TLS, auth disabled: a driver may send any credentials.
// The database used is the default one, "neo4j". SIGTERM (or Ctrl-C) shuts the
// DBMS down cleanly through a shutdown hook.

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.logging.log4j.Log4jLogProvider;

public class Main {
    static final String DATABASE = "neo4j";

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Path home = Path.of(pick(args, 0, "ORGGRAPH_NEO4J_HOME", "neo4j-home")).toAbsolutePath();
        String listenText = pick(args, 1, "ORGGRAPH_NEO4J_LISTEN", "127.0.0.1:7687");
        String pageCache = pick(null, -1, "ORGGRAPH_NEO4J_PAGECACHE", "256m");
        String txMemory = pick(null, -1, "ORGGRAPH_NEO4J_TX_MEMORY", "");

        SocketAddress listen = parseAddress(listenText);
        Files.createDirectories(home);

        out.printf("orggraph-neo4j: starting Neo4j 5.26 (embedded), home %s, bolt %s%n", home, listen);
        long started = System.nanoTime();

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                // Neo4j's user log (startup, errors) on stdout; the debug log goes to HOME/logs/debug.log.
                .setUserLogProvider(new Log4jLogProvider(System.out))
                .setConfig(GraphDatabaseSettings.initial_default_database, DATABASE)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(pageCache))
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // small transaction logs instead of pre-allocated 256 MiB files
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(16))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, listen)
                .setConfig(BoltConnector.advertised_address, listen)
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                // Bolt's Netty event loops wait a 5 s quiet period each on shutdown (about 10 s in all);
                // 1 s keeps `neo4j.sh stop` quick. Internal setting, harmless if it ever goes away.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 1)
                ;
        if (!txMemory.isEmpty()) {
            // orggraph loads a whole load in one transaction (all or nothing): at national scale
            // that holds several GB of transaction state, over the 70 %-of-heap default.
            builder.setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, ByteUnit.parse(txMemory));
        }
        DatabaseManagementService service = builder.build();

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("orggraph-neo4j: shutting down");
            out.flush();
            try {
                service.shutdown();
                out.println("orggraph-neo4j: stopped");
            } catch (Throwable t) {
                out.println("orggraph-neo4j: error during shutdown: " + t);
            }
            out.flush();
        }, "orggraph-neo4j-shutdown"));

        GraphDatabaseService db = service.database(DATABASE);
        if (!db.isAvailable(TimeUnit.SECONDS.toMillis(120))) {
            out.println("orggraph-neo4j: database '" + DATABASE + "' did not become available");
            out.flush();
            System.exit(1);
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        out.printf("orggraph-neo4j: ready - bolt://%s database=%s auth=disabled (%d ms)%n",
                SocketAddress.format(listen.getHostname(), listen.getPort()), DATABASE, ms);
        out.flush();

        new CountDownLatch(1).await(); // until SIGTERM / SIGINT runs the shutdown hook
    }

    static String pick(String[] args, int index, String env, String fallback) {
        if (args != null && index >= 0 && args.length > index && !args[index].isBlank()) {
            return args[index];
        }
        String value = System.getenv(env);
        return value != null && !value.isBlank() ? value : fallback;
    }

    static SocketAddress parseAddress(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            return new SocketAddress(text, BoltConnector.DEFAULT_PORT);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            host = "127.0.0.1";
        }
        return new SocketAddress(host, Integer.parseInt(text.substring(colon + 1)));
    }
}
