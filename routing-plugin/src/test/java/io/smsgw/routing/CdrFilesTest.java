package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in CDR file writer ({@code billing.cdr}): a final report's billing record ends up as a line of a closed
 * {@code .csv} file a mediation system can pick up, its message leaving the broker's queue only once the line is on
 * disk; files rotate by count and age; a {@code .part} file a crash left is closed at the next start; records wait on the
 * queue while the directory cannot be written and are written once it can; a reload applies the section and refuses a
 * directory that is not there. Before, billing systems had to be broker clients of {@code sms.billing}.
 */
class CdrFilesTest {

   static final String ACCOUNT = "app1";
   static final String QUEUE = "billing-cdr.records";
   private static final Duration PATIENCE = Duration.ofSeconds(15);
   static final String HEADER = "recordId,smsRecordTime,smsId,smsAccount,smsServiceId,smsFeeUserType,smsFeeType,smsFeeCode,"
      + "smsFeeTerminal,smsSource,smsDestination,smsSegmentNumber,smsSegmentTotal,smsSubmitTime,smsDoneTime,smsStatus,"
      + "smsErrorCode,smsBillable,smsRollup,smsLink,smsOriginGateway,smsServiceType,smsParts";

   @TempDir
   Path dir;
   private Path cdr;
   private Path configFile;

   @BeforeEach
   void createDirectory() throws Exception {
      cdr = Files.createDirectory(dir.resolve("cdr"));
      configFile = dir.resolve("sms-gateway.conf");
      System.setProperty("smsgw.config", configFile.toString());
   }

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private void writeConfig(String cdrSection) throws IOException {
      Files.writeString(configFile, """
         gateway { code = "001001" }
         accounts { app1 { password = "unused", protocols = [SMPP] } }
         billing {
           %s
         }
         """.formatted(cdrSection));
   }

   private String section(Path directory, String more) {
      return "cdr { directory = \"" + directory + "\", " + more + " }";
   }

   private static TestBroker start(Path dir) throws Exception {
      TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> {
         cfg.registerBrokerPlugin(new SmsRoutingPlugin());
         cfg.addQueueConfiguration(QueueConfiguration.of(SmsAddresses.accountQueue(ACCOUNT)).setAddress(SmsAddresses.accountQueue(ACCOUNT))
                                      .setRoutingType(RoutingType.ANYCAST));
      }).start();
      Wait.until("routing active", PATIENCE, () -> routing(broker) != null);
      return broker;
   }

   static SmsRoutingControlMBean routing(TestBroker broker) {
      return (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
   }

   /** Final reports to sms.dr, as an application sends them: each makes one billing record. */
   static void reports(TestBroker broker, String... smsIds) throws Exception {
      try (Connection c = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
           Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer p = s.createProducer(s.createQueue(SmsAddresses.DR))) {
         for (String smsId : smsIds) {
            TextMessage dr = s.createTextMessage("");
            dr.setStringProperty("smsKind", "DR");
            dr.setStringProperty("smsId", smsId);
            dr.setStringProperty("smsAccount", ACCOUNT);
            dr.setStringProperty("smsSource", "8613800138000");
            dr.setStringProperty("smsDestination", "10086");
            dr.setStringProperty("smsServiceId", "news,\"daily\"");
            dr.setStringProperty("smsServiceType", "WAP");
            dr.setStringProperty("smsFeeType", "02");
            dr.setStringProperty("smsStatus", "DELIVRD");
            dr.setLongProperty("smsSubmitTime", 1_700_000_000_000L);
            p.send(dr);
         }
      }
   }

   static List<Path> files(Path directory, String suffix) throws IOException {
      if (!Files.isDirectory(directory)) {
         return List.of();
      }
      try (Stream<Path> list = Files.list(directory)) {
         return list.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
      }
   }

   /** The records (header checked, then dropped) of the closed files, in file-name order. */
   static List<List<String>> records(Path directory) throws IOException {
      List<List<String>> out = new ArrayList<>();
      for (Path file : files(directory, ".csv")) {
         List<List<String>> rows = parseCsv(Files.readString(file, StandardCharsets.UTF_8));
         assertEquals(HEADER, String.join(",", rows.get(0)), file + " starts with the header");
         out.addAll(rows.subList(1, rows.size()));
      }
      return out;
   }

   static int countRecords(Path directory) {
      try {
         return records(directory).size();
      } catch (IOException e) {
         return -1;
      }
   }

   /** RFC 4180 as a mediation system reads it: quoted fields, doubled quotes, CRLF line ends. */
   private static List<List<String>> parseCsv(String text) {
      List<List<String>> rows = new ArrayList<>();
      List<String> row = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < text.length(); i++) {
         char c = text.charAt(i);
         if (quoted) {
            if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
               field.append('"');
               i++;
            } else if (c == '"') {
               quoted = false;
            } else {
               field.append(c);
            }
         } else if (c == '"') {
            quoted = true;
         } else if (c == ',') {
            row.add(field.toString());
            field.setLength(0);
         } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
            row.add(field.toString());
            field.setLength(0);
            rows.add(row);
            row = new ArrayList<>();
            i++;
         } else {
            field.append(c);
         }
      }
      assertTrue(row.isEmpty() && field.length() == 0, "the file ends with a complete line");
      return rows;
   }

   static int column(String name) {
      return List.of(HEADER.split(",")).indexOf(name);
   }

   @Test
   void aFinalReportBecomesALineOfAClosedCsvFileWithItsColumnsQuoted() throws Exception {
      writeConfig(section(cdr, "max-records = 1"));
      try (TestBroker broker = start(dir)) {
         reports(broker, "00000000000000a1");

         Wait.until("a closed .csv file", PATIENCE, () -> countRecords(cdr) == 1);
         List<String> record = records(cdr).get(0);
         assertEquals(HEADER.split(",").length, record.size(), "every column, empty ones included: " + record);
         assertEquals("bill:00000000000000a1:8613800138000:0", record.get(0), "the record id mediation drops repeats by");
         assertEquals("00000000000000a1", record.get(column("smsId")));
         assertEquals(ACCOUNT, record.get(column("smsAccount")));
         assertEquals("news,\"daily\"", record.get(column("smsServiceId")), "a comma and a quote survive the quoting");
         assertEquals("WAP", record.get(column("smsServiceType")), "an SMPP service_type has a column of its own");
         assertEquals("02", record.get(column("smsFeeType")));
         assertEquals("DELIVRD", record.get(column("smsStatus")));
         assertEquals("true", record.get(column("smsBillable")));
         assertEquals("1700000000000", record.get(column("smsSubmitTime")));
         assertEquals("", record.get(column("smsErrorCode")), "a property the record lacks is an empty field");
         assertTrue(Long.parseLong(record.get(column("smsRecordTime"))) > 0);
         String raw = Files.readString(files(cdr, ".csv").get(0));
         assertTrue(raw.contains(",\"news,\"\"daily\"\"\","), "RFC 4180 quoting in the file: " + raw);

         Wait.until("the record acknowledged", PATIENCE, () -> broker.messageCount(QUEUE) == 0);
         assertEquals(List.of(), files(cdr, ".part"), "nothing left open: the file was full");
         // the writer counts a record after its acknowledgement and a file after its rename: a moment after both show
         Wait.until("1 record written and 1 file closed, counted", PATIENCE, () -> {
            long[] counters = routing(broker).getCdrCounters();
            return counters[0] == 1 && counters[1] == 1;
         });
         assertTrue(files(cdr, ".csv").get(0).getFileName().toString().matches("cdr-\\d{8}-\\d{6}-\\d{6}\\.csv"),
                    files(cdr, ".csv").toString());
      }
   }

   @Test
   void filesRotateByRecordCountAndTheLastOneIsClosedWhenTheBrokerStops() throws Exception {
      writeConfig(section(cdr, "max-records = 2, rotate-interval = 1h"));
      try (TestBroker broker = start(dir)) {
         for (int i = 1; i <= 5; i++) {
            reports(broker, "00000000000000b" + i); // one at a time: each batch is one record
            int written = i;
            Wait.until("record " + i + " written", PATIENCE, () -> routing(broker).getCdrCounters()[0] == written);
         }
         Wait.until("two full files", PATIENCE, () -> countRecords(cdr) == 4);
         assertEquals(2, files(cdr, ".csv").size());
         assertEquals(1, files(cdr, ".part").size(), "the fifth record waits in the open file");
         // the acknowledgement's commit completes after the journal's: wait for it, not a race with it
         Wait.until("yet it is acknowledged: it is on disk", PATIENCE, () -> broker.messageCount(QUEUE) == 0);
      }
      assertEquals(List.of(), files(cdr, ".part"), "the stop closed the open file");
      List<String> ids = records(cdr).stream().map(r -> r.get(column("smsId"))).toList();
      assertEquals(List.of("00000000000000b1", "00000000000000b2", "00000000000000b3", "00000000000000b4", "00000000000000b5"), ids);
   }

   @Test
   void aPartFileACrashLeftIsClosedAtStartAndRecordsThatWaitedAreWritten() throws Exception {
      // A first run without the writer: its subscription keeps the records (as after a crash before their lines).
      writeConfig("");
      try (TestBroker broker = start(dir)) {
         broker.server().createQueue(QueueConfiguration.of(QUEUE).setAddress(SmsAddresses.BILLING).setRoutingType(RoutingType.MULTICAST));
         reports(broker, "00000000000000c1", "00000000000000c2");
         Wait.until("records waiting", PATIENCE, () -> broker.messageCount(QUEUE) == 2);
      }
      // What a crash leaves: forced lines, then a line torn by the crash (its record was never acknowledged).
      Path leftover = cdr.resolve("cdr-20260101-000000-000001.csv.part");
      Files.writeString(leftover, HEADER + "\r\nbill:0000000000000099:8613800138000:0,1,0000000000000099\r\nbill:00000000000000c1:86");

      writeConfig(section(cdr, "rotate-interval = 500ms"));
      try (TestBroker broker = start(dir)) {
         Wait.until("the leftover closed and the waiting records in a file closed by its age", PATIENCE, () -> countRecords(cdr) == 3);
         assertTrue(Files.exists(cdr.resolve("cdr-20260101-000000-000001.csv")), "renamed: " + files(cdr, ""));
         assertEquals(List.of(), files(cdr, ".part"));
         List<String> ids = records(cdr).stream().map(r -> r.get(0)).toList();
         assertEquals(List.of("bill:0000000000000099:8613800138000:0", "bill:00000000000000c1:8613800138000:0",
                              "bill:00000000000000c2:8613800138000:0"), ids, "the torn line is cut, its record written again");
         Wait.until("acknowledged", PATIENCE, () -> broker.messageCount(QUEUE) == 0);
      }
   }

   @Test
   void recordsWaitOnTheQueueWhileTheDirectoryCannotBeWrittenAndAreWrittenOnceItCan() throws Exception {
      writeConfig(section(cdr, "max-records = 1"));
      try (TestBroker broker = start(dir)) {
         reports(broker, "00000000000000d1");
         Wait.until("the first record written", PATIENCE, () -> countRecords(cdr) == 1);

         // The directory goes (an unmounted volume, say) and a file takes its place: nothing can be written there.
         Path away = Files.move(cdr, dir.resolve("cdr-away"));
         Files.writeString(cdr, "not a directory");
         reports(broker, "00000000000000d2", "00000000000000d3");
         Wait.until("write errors", PATIENCE, () -> routing(broker).getCdrCounters()[2] >= 2);
         assertEquals(2, broker.messageCount(QUEUE), "both records stay on the queue, unacknowledged");
         assertEquals(1, routing(broker).getCdrCounters()[0], "none counted as written");

         Files.delete(cdr);
         Files.createDirectory(cdr);
         Wait.until("the waiting records written once the directory is back", PATIENCE, () -> countRecords(cdr) == 2);
         Wait.until("and acknowledged", PATIENCE, () -> broker.messageCount(QUEUE) == 0);
         List<String> ids = records(cdr).stream().map(r -> r.get(column("smsId"))).sorted().toList();
         assertEquals(List.of("00000000000000d2", "00000000000000d3"), ids);
         assertEquals(1, countRecords(away));
      }
   }

   /** An operator (or the broker) closing the writer's session does not stop the files: a new session takes over. */
   @Test
   void aSessionTheBrokerClosedIsReplacedAndRecordsAreStillWritten() throws Exception {
      writeConfig(section(cdr, "max-records = 1"));
      try (TestBroker broker = start(dir)) {
         Wait.until("the writer's session", PATIENCE, () -> broker.consumerCount(QUEUE) == 1);
         for (var session : broker.server().getSessions()) {
            if (session.getName().startsWith("sms-cdr-")) {
               session.close(false);
            }
         }
         reports(broker, "00000000000000f1");
         Wait.until("written by the new session", PATIENCE, () -> countRecords(cdr) == 1);
         Wait.until("and acknowledged", PATIENCE, () -> broker.messageCount(QUEUE) == 0);
         assertEquals(1, broker.consumerCount(QUEUE));
      }
   }

   @Test
   void aReloadAppliesTheSectionAndRefusesADirectoryThatIsNotThere() throws Exception {
      writeConfig(section(cdr, "max-records = 1"));
      try (TestBroker broker = start(dir)) {
         SmsRoutingControlMBean control = routing(broker);
         Path missing = dir.resolve("no-such-directory");
         writeConfig(section(missing, "max-records = 1"));
         String problems = control.reload();
         assertTrue(problems.contains("billing.cdr.directory: " + missing + " does not exist"), problems);
         reports(broker, "00000000000000e1");
         Wait.until("still written where it was", PATIENCE, () -> countRecords(cdr) == 1);

         Path other = Files.createDirectory(dir.resolve("other"));
         writeConfig(section(other, "max-records = 1, prefix = gw1"));
         assertEquals("", control.reload());
         reports(broker, "00000000000000e2");
         Wait.until("written to the new directory", PATIENCE, () -> countRecords(other) == 1);
         assertTrue(files(other, ".csv").get(0).getFileName().toString().startsWith("gw1-"));

         writeConfig("");
         assertEquals("", control.reload());
         reports(broker, "00000000000000e3");
         Wait.until("the record waits on the queue: no writer", PATIENCE, () -> broker.messageCount(QUEUE) == 1);
         assertEquals(1, countRecords(other));
         assertEquals(1, countRecords(cdr));
      }
   }
}
