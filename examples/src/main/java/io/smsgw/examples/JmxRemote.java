package io.smsgw.examples;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.NoSuchObjectException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.HashMap;
import java.util.Map;

import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;

/**
 * Remote JMX for the embedded examples (the quick start, the multi-gateway example): the broker's and the gateway's
 * management beans, which live in this JVM's platform MBeanServer, for {@code jconsole 127.0.0.1:<port>}, VisualVM or
 * any JMX client. The examples run inside Maven's JVM and have no web console or Jolokia (those come with a stock
 * broker instance); without this an operator had to find Maven's process to attach to.
 *
 * <p>Listens on the loopback address only and asks for no password, like the demo's CORE acceptor: broker security is
 * off in the demo. The RMI registry and the connector share the one port, so a single port is all there is to know.
 */
public final class JmxRemote implements AutoCloseable {

   /** System property: the port, 0 for any free one. */
   public static final String PORT_PROPERTY = "smsgw.jmx.port";
   /** The port of Artemis' own (commented) JMX connector in a stock instance's management.xml. */
   public static final int DEFAULT_PORT = 1099;

   private final Registry registry;
   private final JMXConnectorServer connector;
   private final int port;

   private JmxRemote(Registry registry, JMXConnectorServer connector, int port) {
      this.registry = registry;
      this.connector = connector;
      this.port = port;
   }

   /** Starts the registry and the connector on 127.0.0.1:{@code port} (0: a free port); refused if the port is taken. */
   public static JmxRemote start(int port) throws IOException {
      // The stubs the registry hands out carry this host: the loopback address, the only one listening.
      if (System.getProperty("java.rmi.server.hostname") == null) {
         System.setProperty("java.rmi.server.hostname", InetAddress.getLoopbackAddress().getHostAddress());
      }
      LoopbackSockets sockets = new LoopbackSockets();
      Registry registry;
      try {
         registry = LocateRegistry.createRegistry(port, null, sockets);
      } catch (IOException e) {
         throw new IOException("Remote JMX cannot listen on 127.0.0.1:" + port + " (" + e.getMessage() + "); set -D" + PORT_PROPERTY
                                  + "=<another port>, 0 for any free one", e);
      }
      int actual = sockets.lastPort;
      String host = InetAddress.getLoopbackAddress().getHostAddress();
      try {
         // Exported on the registry's port (same factory, same requested port): one port for both.
         JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://" + host + ":" + port + "/jndi/rmi://" + host + ":" + actual + "/jmxrmi");
         Map<String, Object> environment = new HashMap<>();
         environment.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, sockets);
         JMXConnectorServer connector = JMXConnectorServerFactory.newJMXConnectorServer(url, environment,
                                                                                          ManagementFactory.getPlatformMBeanServer());
         connector.start();
         return new JmxRemote(registry, connector, actual);
      } catch (IOException | RuntimeException e) {
         unexport(registry);
         throw e;
      }
   }

   /** The port the registry and the connector listen on. */
   public int port() {
      return port;
   }

   /** The address a JMX client connects to; {@code jconsole 127.0.0.1:<port>} means the same. */
   public JMXServiceURL url() {
      return connector.getAddress();
   }

   @Override
   public void close() throws IOException {
      try {
         connector.stop();
      } finally {
         unexport(registry);
      }
   }

   private static void unexport(Registry registry) {
      try {
         UnicastRemoteObject.unexportObject(registry, true);
      } catch (NoSuchObjectException e) {
         // already gone
      }
   }

   /** Server sockets on the loopback address; one instance for the registry and the connector, so they share a port. */
   private static final class LoopbackSockets implements RMIServerSocketFactory {
      private volatile int lastPort;

      @Override
      public ServerSocket createServerSocket(int port) throws IOException {
         ServerSocket socket = new ServerSocket(port, 0, InetAddress.getLoopbackAddress());
         lastPort = socket.getLocalPort();
         return socket;
      }
   }
}
