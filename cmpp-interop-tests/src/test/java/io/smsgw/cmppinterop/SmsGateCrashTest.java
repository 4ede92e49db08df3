package io.smsgw.cmppinterop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.zx.sms.codec.cmpp.msg.CmppDeliverRequestMessage;
import com.zx.sms.codec.cmpp.msg.CmppSubmitRequestMessage;
import com.zx.sms.codec.cmpp.msg.CmppSubmitResponseMessage;
import com.zx.sms.connect.manager.EndpointManager;
import io.netty.util.concurrent.Promise;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.simulator.SimulatorConfig;
import io.smsgw.simulator.SimulatorStats;
import io.smsgw.simulator.SmscSimulator;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitSm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The durability promise across a kill -9, for the whole flow: SMSGate (the SP) submits {@value #MESSAGES} SMS with
 * Registered_Delivery 1; while they flow (some on the link's queue, some at the SMSC waiting for their receipts, some
 * reports on their way to the SP) the gateway is killed with SIGKILL and started again on the same data, and the SP
 * logs in again. Once everything is quiet, every Msg_Id answered Result 0 has had exactly one status report and one
 * billing record (its one final state), and nothing is dead-lettered; receipts left unmatched are explained by submits
 * the SMSC got twice (a submit_sm in flight at the crash is sent again).
 *
 * <p>The SMSC is the project's simulator in this JVM, so it outlives the gateway, and sends receipts that went
 * unanswered again after the link binds anew, as real SMSCs do ({@link SimulatorConfig#redeliverReceipts()}).
 */
@Timeout(180)
class SmsGateCrashTest {

   private static final int MESSAGES = 1500;
   private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
   private static final Duration TIMEOUT = Duration.ofSeconds(10);
   /** One SUBMIT's wait for its SUBMIT_RESP: long enough for a busy 2-core CI machine, short enough after the kill. */
   private static final Duration SUBMIT_TIMEOUT = Duration.ofSeconds(3);
   /** SUBMITs awaiting their SUBMIT_RESP (SMSGate's window is 16): several are in flight at the kill. */
   private static final int SUBMITS_IN_FLIGHT = 8;
   private static final Duration QUIET_DEADLINE = Duration.ofSeconds(60);
   private static final Duration BILLING_QUIET = Duration.ofSeconds(1);
   private static final int QUIET_SECONDS = 60;
   private static final String BILLING_CLIENT = "crash-billing";
   private static final String BILLING_SUBSCRIPTION = "records";
   private static final String LINK = "carrier";

   private static final String HANDSET = "13800138000";
   private static final String SOURCE = SmsGateSp.SP_CODE + "03";
   private static final String TEXT_PREFIX = "Crash test ";

   private GatewayProcess gateway;
   private SmscSimulator smsc;

   /** Points at the child gateway's log next to a failing test. */
   @RegisterExtension
   final TestWatcher showGatewayLogOnFailure = GatewayProcess.logOnFailure(() -> gateway);

   @AfterEach
   void stop() throws Exception {
      EndpointManager.INS.removeAll();
      if (gateway != null) {
         gateway.close();
      }
      if (smsc != null) {
         smsc.close();
      }
   }

   @Test
   void everySubmitAnsweredResult0GetsOneReportAndOneBillingRecordAcrossAKill9() throws Exception {
      // How often the SMSC got each text: a submit_sm in flight at the crash is sent again, with a new SMSC id.
      Map<String, AtomicInteger> submittedToSmsc = new ConcurrentHashMap<>();
      smsc = SmscSimulator.start(SimulatorConfig.builder()
         .credential("smsgw", "simpass")
         .receiptDelay(Duration.ofMillis(300))
         .receiptSuccessRatio(0.9)
         .redeliverReceipts(true)
         .submitListener((systemId, submit, status, messageId) -> {
            if (status == SmppStatus.ESME_ROK && submit instanceof SubmitSm sm) {
               submittedToSmsc.computeIfAbsent(new String(sm.shortMessage(), StandardCharsets.ISO_8859_1), t -> new AtomicInteger())
                  .incrementAndGet();
            }
         })
         .build());
      gateway = GatewayProcess.create(workDir(), etcFor(smsc.port()));
      gateway.start(START_TIMEOUT);
      ContractJms app = new ContractJms(gateway.coreUrl());
      // Records are kept only for subscriptions that exist when they are written.
      app.billingRecords(BILLING_CLIENT, BILLING_SUBSCRIPTION, Duration.ZERO, Duration.ofMillis(100));

      try (SmsGateSp sp = SmsGateSp.connect("crash-e2e-0x30", gateway.cmppPort(), 0x30, QUIET_SECONDS, TIMEOUT)) {
         Submitter submitter = new Submitter(sp);
         Thread thread = new Thread(submitter, "crash-test-sp");
         thread.setDaemon(true);
         thread.start();

         // Kill while MT wait on the link, receipts are due at the SMSC and reports are on their way to the SP.
         Wait.until("a third of the SMS accepted and reports coming back", START_TIMEOUT,
                    () -> submitter.accepted.size() >= MESSAGES / 3 && sp.delivers().size() >= 50 || submitter.failure.get() != null);
         assertEquals(null, submitter.failure.get(), "the SP's submits before the crash");
         long onLink = depth(app, SmsAddresses.smscLinkQueue(LINK));
         long forSp = depth(app, SmsAddresses.accountQueue(SmsGateSp.SP_ID));
         SimulatorStats before = smsc.stats();
         int acceptedBefore = submitter.accepted.size();
         int reportsBefore = sp.delivers().size();
         gateway.kill();
         String atKill = String.format("at the kill: %d accepted in %d ms, %d MT on the link's queue, %d accepted by the SMSC with %d"
                                          + " receipts pending there, %d reports on the SP's queue, %d at the SP",
                                       acceptedBefore, (System.nanoTime() - submitter.startNanos) / 1_000_000, onLink,
                                       before.submitsAccepted(), before.receiptsPending(), forSp, reportsBefore);
         System.out.println(atKill);
         // Otherwise the kill missed the stages this test is about.
         assertTrue(onLink > 0 && before.receiptsPending() > 0, "MT on the link's queue and receipts due " + atKill);

         Wait.until("SMSGate noticed the gateway is gone", TIMEOUT, () -> !sp.isConnected());
         gateway.start(START_TIMEOUT);
         sp.reconnect(TIMEOUT);
         submitter.restarted.countDown();

         thread.join(START_TIMEOUT.toMillis());
         assertEquals(null, submitter.failure.get(), "the SP's submits after the restart");
         assertEquals(MESSAGES, submitter.accepted.size(), "every SMS answered Result 0 in the end");

         Set<Long> accepted = submitter.accepted.keySet();
         Wait.until("every accepted SMS reported, nothing left on the link, the SP's queue or at the SMSC", QUIET_DEADLINE,
                    () -> reportsPerMsgId(sp).keySet().containsAll(accepted) && depth(app, SmsAddresses.smscLinkQueue(LINK)) == 0
                          && depth(app, SmsAddresses.accountQueue(SmsGateSp.SP_ID)) == 0 && smsc.stats().receiptsPending() == 0,
                    () -> "missing reports: " + accepted.stream().filter(id -> !reportsPerMsgId(sp).containsKey(id)).count()
                          + ", link queue " + depth(app, SmsAddresses.smscLinkQueue(LINK)) + ", SP queue "
                          + depth(app, SmsAddresses.accountQueue(SmsGateSp.SP_ID)) + ", SMSC " + smsc.stats());

         Map<Long, List<Report>> reports = reportsPerMsgId(sp);
         Map<String, List<Map<String, Object>>> records = new TreeMap<>();
         for (Map<String, Object> record : app.billingRecords(BILLING_CLIENT, BILLING_SUBSCRIPTION, TIMEOUT, BILLING_QUIET)) {
            records.computeIfAbsent(String.valueOf(record.get("smsId")), id -> new ArrayList<>()).add(record);
         }

         List<String> lostReports = new ArrayList<>();
         List<String> duplicateReports = new ArrayList<>();
         List<String> repeatedDelivers = new ArrayList<>();
         List<String> lostRecords = new ArrayList<>();
         List<String> duplicateRecords = new ArrayList<>();
         for (long msgId : accepted) {
            String smsId = CmppMsgId.toHex(msgId);
            List<Report> received = reports.getOrDefault(msgId, List.of());
            Set<Report> distinct = new java.util.LinkedHashSet<>(received);
            if (received.isEmpty()) {
               lostReports.add(smsId);
            } else if (distinct.size() > 1) {
               duplicateReports.add(smsId + received); // a second report, not the same DELIVER again
            } else if (received.size() > 1) {
               // The same DELIVER (same Msg_Id) again: answered by the SP, but its acknowledgement in the broker died with
               // the gateway. At least once, as documented (message-contract.md), and the SP can tell by the Msg_Id.
               repeatedDelivers.add(smsId);
            }
            List<String> states = distinct.stream().map(Report::stat).toList();
            List<Map<String, Object>> billed = records.getOrDefault(smsId, List.of());
            if (billed.isEmpty()) {
               lostRecords.add(smsId);
            } else if (billed.size() > 1) {
               duplicateRecords.add(smsId + billed.stream().map(r -> r.get("smsStatus")).toList());
            } else if (states.size() == 1) {
               assertEquals(states.get(0), billed.get(0).get("smsStatus"), "the record of " + smsId + " bills the reported state");
            }
         }
         long resubmitted = submittedToSmsc.values().stream().filter(count -> count.get() > 1).count();
         long unmatched = depth(app, "sms.dr.unmatched") + depth(app, "sms.dr.unmatched.exhausted");
         long unanswered = submitter.unanswered.get();
         // Reports and records of SMS whose SUBMIT_RESP the crash swallowed (accepted, but the SP never learnt it).
         long reportsOfUnansweredSubmits = reports.keySet().stream().filter(id -> !accepted.contains(id)).count();
         String summary = String.format("%d accepted, %d SUBMITs unanswered at the crash (%d of them reported), %d sent to the"
                                           + " SMSC twice, %d receipts unmatched (%d sent again by the SMSC), %s; reports lost %d %s, duplicated %d %s, the same DELIVER again %d %s;"
                                           + " billing records"
                                           + " lost %d %s, duplicated %d %s; SMSC %s",
                                        accepted.size(), unanswered, reportsOfUnansweredSubmits, resubmitted, unmatched,
                                        smsc.stats().receiptsSent() - smsc.stats().receiptsScheduled(), atKill,
                                        lostReports.size(), head(lostReports), duplicateReports.size(), head(duplicateReports),
                                        repeatedDelivers.size(), head(repeatedDelivers),
                                        lostRecords.size(), head(lostRecords), duplicateRecords.size(), head(duplicateRecords),
                                        smsc.stats());
         System.out.println(summary);
         assertTrue(lostReports.isEmpty() && duplicateReports.isEmpty() && lostRecords.isEmpty() && duplicateRecords.isEmpty(),
                    summary);
         // Only DELIVERs in flight at the kill can come again: the gateway's CMPP window (cmppWindowSize, 16) bounds them.
         assertTrue(repeatedDelivers.size() <= 16, "DELIVERs repeated after the restart: " + summary);
         assertEquals(0, depth(app, "sms.dlq"), "nothing dead-lettered: " + summary);
         assertEquals(0, depth(app, "sms.dr.unrouted"), "every report found its SP: " + summary);
         // A receipt stays unmatched when its submit_sm was sent twice (the first id never got a record), or when the SMSC
         // sent it again after the gateway had reported it and removed its record but died before the deliver_sm_resp
         // (links-routing-billing.md: parked, never reported or billed again).
         SimulatorStats after = smsc.stats();
         long receiptsSentAgain = after.receiptsSent() - after.receiptsScheduled();
         assertTrue(unmatched <= resubmitted + receiptsSentAgain,
                    "only receipts of submit_sm sent twice or receipts sent again stay unmatched: " + summary);
      }
   }

   /**
    * SUBMITs the SMS with up to {@value #SUBMITS_IN_FLIGHT} awaiting their SUBMIT_RESP; once one goes unanswered (the
    * kill) it counts those still in flight as unanswered and waits for the restart.
    */
   private static final class Submitter implements Runnable {

      final SmsGateSp sp;
      /** Msg_Id → index of the text, for every SUBMIT answered Result 0. */
      final Map<Long, Integer> accepted = new ConcurrentHashMap<>();
      final AtomicInteger unanswered = new AtomicInteger();
      final CountDownLatch restarted = new CountDownLatch(1);
      final AtomicReference<Throwable> failure = new AtomicReference<>();
      final long startNanos = System.nanoTime();

      Submitter(SmsGateSp sp) {
         this.sp = sp;
      }

      @Override
      public void run() {
         try {
            ArrayDeque<Map.Entry<Integer, Promise<CmppSubmitResponseMessage>>> inFlight = new ArrayDeque<>();
            int next = 0;
            while (accepted.size() + inFlight.size() < MESSAGES || !inFlight.isEmpty()) {
               if (inFlight.size() < SUBMITS_IN_FLIGHT && accepted.size() + inFlight.size() < MESSAGES) {
                  List<Promise<CmppSubmitResponseMessage>> promises = sp.submitWithoutWaiting(submit(next));
                  if (promises != null && promises.size() == 1) {
                     inFlight.addLast(Map.entry(next++, promises.get(0)));
                     continue;
                  }
                  if (promises != null) {
                     throw new AssertionError("a short text goes in one SUBMIT, got " + promises.size());
                  }
                  // No logged-in link: the gateway is gone; what is in flight tells below.
               }
               Map.Entry<Integer, Promise<CmppSubmitResponseMessage>> oldest = inFlight.peekFirst();
               if (oldest != null && oldest.getValue().await(SUBMIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                   && oldest.getValue().isSuccess()) {
                  inFlight.pollFirst();
                  take(oldest);
                  continue;
               }
               // The gateway went away: whether an unanswered SUBMIT was stored is for the gateway to show (a report
               // of a Msg_Id the SP never learnt), not for the SP to count.
               if (restarted.getCount() == 0) {
                  throw new AssertionError("SUBMIT " + (oldest == null ? next : oldest.getKey()) + " unanswered after the restart",
                                           oldest == null ? null : oldest.getValue().cause());
               }
               for (Map.Entry<Integer, Promise<CmppSubmitResponseMessage>> submit : inFlight) {
                  if (submit.getValue().isSuccess()) {
                     take(submit);
                  } else {
                     unanswered.incrementAndGet();
                  }
               }
               inFlight.clear();
               if (!restarted.await(2 * START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                  throw new AssertionError("the gateway did not come back");
               }
            }
         } catch (Throwable e) {
            failure.set(e);
         }
      }

      private void take(Map.Entry<Integer, Promise<CmppSubmitResponseMessage>> submit) {
         CmppSubmitResponseMessage response = submit.getValue().getNow();
         if (response.getResult() != 0) {
            throw new AssertionError("SUBMIT " + submit.getKey() + " answered Result " + response.getResult());
         }
         accepted.put(SmsGateSp.msgId(response.getMsgId()), submit.getKey());
      }

      private static CmppSubmitRequestMessage submit(int index) {
         CmppSubmitRequestMessage submit = CmppSubmitRequestMessage.create(HANDSET, SOURCE, TEXT_PREFIX + index);
         submit.setRegisteredDelivery((short) 1);
         submit.setServiceId("CRASH");
         submit.setFeeType("02");
         submit.setFeeCode("000010");
         return submit;
      }
   }

   /** One DELIVER of a status report: its own Msg_Id (the same on every attempt of one delivery) and the Stat. */
   private record Report(long deliverMsgId, String stat) {
   }

   /** Every status report the SP received, per the Msg_Id it reports on, in the order received. */
   private static Map<Long, List<Report>> reportsPerMsgId(SmsGateSp sp) {
      Map<Long, List<Report>> reports = new TreeMap<>();
      for (CmppDeliverRequestMessage deliver : sp.delivers()) {
         if (deliver.isReport()) {
            reports.computeIfAbsent(SmsGateSp.msgId(deliver.getReportRequestMessage().getMsgId()), id -> new ArrayList<>())
               .add(new Report(SmsGateSp.msgId(deliver.getMsgId()), deliver.getReportRequestMessage().getStat()));
         }
      }
      return reports;
   }

   /** Messages on {@code queue}, 0 when the broker has no such queue. */
   private static long depth(ContractJms app, String queue) {
      try {
         return app.messageCount(queue);
      } catch (AssertionError e) {
         return 0; // management refuses a queue that does not exist
      } catch (Exception e) {
         throw new AssertionError("Broker management did not tell the depth of " + queue, e);
      }
   }

   private static String head(List<String> ids) {
      return ids.isEmpty() ? "" : ids.subList(0, Math.min(10, ids.size())).toString();
   }

   private static Path workDir() {
      return Path.of(GatewayProcess.requiredProperty("smsgw.crash.work.dir"));
   }

   /** The crash test's configuration with the SMSC link pointing at the simulator's port. */
   private static Path etcFor(int smscPort) throws Exception {
      Path source = Path.of(GatewayProcess.requiredProperty("smsgw.crash.gateway.etc"));
      Path etc = workDir().resolve("etc");
      Files.createDirectories(etc);
      Files.copy(source.resolve("broker.xml"), etc.resolve("broker.xml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.writeString(etc.resolve("sms-gateway.conf"), Files.readString(source.resolve("sms-gateway.conf"), StandardCharsets.UTF_8)
         + "links." + LINK + ".port = " + smscPort + "\n", StandardCharsets.UTF_8);
      return etc;
   }
}
