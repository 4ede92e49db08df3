package io.smsgw.cmpp.fwd;

/** Management view of one outgoing CMPP_FWD link (JMX, the console's JMX tab, management messages). */
public interface FwdLinkControlMBean {

   /** The peer gateway's 6-digit code. */
   String getPeerCode();

   /** host:port of the peer's FWD acceptor. */
   String getPeer();

   /** connecting, connected, down (waiting to reconnect), stopping or stopped. */
   String getState();

   /** The queue the link forwards from, {@code sms.gw.<peer>}. */
   String getQueueName();

   /** Messages on that queue, those in flight included (they stay unacknowledged until answered). */
   long getQueueDepth();

   /** FWDs allowed without their FWD_RESP. */
   int getWindowSize();

   /** FWDs sent and not answered yet. */
   int getInFlight();

   /** FWDs written to the peer, resends included. */
   long getForwarded();

   /** FWD_RESPs with Result 0: the peer stored the message and it left this gateway. */
   long getAcknowledged();

   /** FWD_RESPs with another Result: the message went back to the queue to be tried again. */
   long getRefused();

   /** FWDs sent again because the connection dropped before their answer. */
   long getResent();

   /**
    * Report FWDs (Msg_Fwd_Type 2) this peer sent on MTs this gateway did not forward to it (to another peer, never, or
    * so long ago that the record expired), refused with Result 9 and not stored; logged as a WARN at most every 10 s.
    */
   long getReportsRefused();

   /**
    * FWDs this peer sent to this gateway that were refused for what they carry: Source_Id or Destination_Id not the
    * peer's and this gateway's (Result 9), or a structure problem such as a Valid_Time that is no time (Result 1);
    * logged at INFO at most every 10 s, with how many since.
    */
   long getFwdsRefused();

   /** Final reports this peer sent again (its FWD_RESP was lost): answered Result 0, not stored a second time. */
   long getReportsRepeated();

   /**
    * MTs (parts) forwarded to this peer that got no final report from it by their validity plus an hour plus its
    * {@code report-wait}: this gateway made their final report itself (UNKNOWN, error 112).
    */
   long getReportsMadeHere();

   /** When and what went wrong last (connect failure, refusal, timeout); empty if nothing yet. */
   String getLastError();

   /**
    * Queue consumers re-created since the broker started because the broker closed the link's consumer (an operator
    * closing it or the link's session through management, the queue destroyed, an error in delivery).
    */
   long getConsumerReopened();

   /** Drops the connection and reconnects after reconnect-min; unanswered FWDs are sent again. */
   void reconnect();
}
