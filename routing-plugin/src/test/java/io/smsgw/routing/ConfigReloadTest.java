package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import io.smsgw.broker.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload that changes what runs as a service and needs a restart (the tandem connection; peers in a broker without the
 * CMPP module, as these SMPP brokers, where no FWD link service runs: FwdLinkReloadTest has one) says in the log that
 * those changes wait for it (SMSC links no longer do: they apply at once); before, the only line was "reloaded: N
 * accounts…", and operators took the change as live.
 */
class ConfigReloadTest {

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private Path writeConfig(String extraRoutes, String extraLinks, String peers) throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         links {
           sim { host = "127.0.0.1", port = 1, system-id = "gw", password = "pw", reconnect-min = 1s, reconnect-max = 2s }
           %s
         }
         routes { mt = [ { prefix = "86138", links = [ sim ] } %s ] }
         %s
         """.formatted(extraLinks, extraRoutes, peers));
      System.setProperty("smsgw.config", file.toString());
      return file;
   }

   /** What the gateway logs (slf4j-simple writes to System.err) while {@code action} runs, still shown as usual. */
   private static String logOf(ThrowingRunnable action) throws Exception {
      PrintStream original = System.err;
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      PrintStream tee = new PrintStream(new OutputStream() {
         @Override
         public synchronized void write(int b) {
            original.write(b);
            captured.write(b);
         }

         @Override
         public synchronized void write(byte[] b, int off, int len) {
            original.write(b, off, len);
            captured.write(b, off, len);
         }
      }, true, StandardCharsets.UTF_8);
      System.setErr(tee);
      try {
         action.run();
      } finally {
         System.setErr(original);
      }
      synchronized (tee) {
         return captured.toString(StandardCharsets.UTF_8);
      }
   }

   private interface ThrowingRunnable {
      void run() throws Exception;
   }

   /**
    * A reload and management's route changes apply in the order they happen: a reload replaces every route with the
    * file's, those management added included; a route management adds after the reload goes beside the file's.
    */
   @Test
   void aReloadReplacesTheRoutesManagementChangedAndAChangeAfterItKeepsTheFilesRoutes() throws Exception {
      writeConfig("", "", "");
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         SmsRoutingControlMBean control = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
         control.addMtRoute("86150", "sim");
         assertEquals(List.of("86138 -> sim:1", "86150 -> sim:1"), List.of(control.getMtRoutes()));

         writeConfig(", { prefix = \"86139\", links = [ sim ] }", "", "");
         assertEquals("", control.reload());
         assertEquals(List.of("86138 -> sim:1", "86139 -> sim:1"), List.of(control.getMtRoutes()),
                      "the file's routes, the one management added is gone");

         control.addMtRoute("+86150", "sim");
         assertTrue(control.removeMtRoute("86138"));
         assertEquals(List.of("86139 -> sim:1", "+86150 -> sim:1"), List.of(control.getMtRoutes()),
                      "changes after the reload build on the file's routes");
      }
   }

   @Test
   void aReloadThatChangesPeersWarnsThatTheyWaitForARestartButNotForLinks() throws Exception {
      writeConfig("", "", "");
      try (TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start()) {
         SmsRoutingControlMBean control = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");

         String routesOnly = logOf(() -> {
            writeConfig(", { prefix = \"86139\", links = [ sim ] }", "", "");
            assertEquals("", control.reload());
         });
         assertTrue(Arrays.stream(control.getMtRoutes()).anyMatch(r -> r.startsWith("86139")), "the new route is live");
         assertTrue(routesOnly.contains("reloaded"), routesOnly);
         assertFalse(routesOnly.contains("until the broker restarts"), "routes need no restart: " + routesOnly);

         String linksAndPeers = logOf(() -> {
            writeConfig(", { prefix = \"86139\", links = [ second ] }",
                        "second { host = \"127.0.0.1\", port = 2, system-id = \"gw2\", password = \"pw\" }",
                        "peers { \"020001\" { host = \"127.0.0.1\", port = 3, shared-secret = \"p1\" } }");
            assertEquals("", control.reload());
         });
         String warning = linksAndPeers.lines().filter(l -> l.contains("WARN") && l.contains("until the broker restarts"))
            .findFirst().orElse("");
         assertTrue(warning.contains("peers (the outgoing FWD links)"), "a WARN naming the sections that need a restart: " + linksAndPeers);
         assertFalse(warning.contains("links (the SMSC links)"), "the SMSC links apply at once (SmscLinkReloadTest): " + warning);
         assertFalse(warning.contains("gns"), "only the sections that changed: " + warning);

         String peerAdmission = logOf(() -> {
            writeConfig(", { prefix = \"86139\", links = [ second ] }",
                        "second { host = \"127.0.0.1\", port = 2, system-id = \"gw2\", password = \"pw\" }",
                        "peers { \"020001\" { host = \"127.0.0.1\", port = 3, shared-secret = \"p1\", "
                           + "allowed-ips = [ \"10.0.0.0/8\" ], max-sessions = 1 } }");
            assertEquals("", control.reload());
         });
         assertTrue(peerAdmission.contains("reloaded"), peerAdmission);
         assertFalse(peerAdmission.contains("until the broker restarts"),
                     "who may connect as the peer applies at once, the link is unchanged: " + peerAdmission);
      }
   }
}
