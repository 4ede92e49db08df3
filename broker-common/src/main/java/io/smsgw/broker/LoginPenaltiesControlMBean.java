package io.smsgw.broker;

/**
 * Management view of one acceptor's failed-login penalties for one protocol (decision 99):
 * {@code org.apache.activemq.artemis:broker="<name>",component=sms-login-penalties,name="<acceptor>",protocol=SMPP}
 * (or {@code CMPP}). Artemis makes a protocol manager per acceptor and protocol, and each counts on its own, so there is
 * one bean for each SMPP or CMPP acceptor (two for an acceptor serving both).
 */
public interface LoginPenaltiesControlMBean {

   /** The acceptor's name in broker.xml. */
   String getAcceptor();

   /** SMPP or CMPP. */
   String getProtocol();

   /** Failed logins from one address (or for one account) answered at once ({@code smppAuthFailureLimit} / {@code cmppAuthFailureLimit}); 0: no penalties. */
   int getAuthFailureLimit();

   /** Milliseconds: failures less than this apart count together; a count quiet this long is forgotten. */
   long getAuthFailureWindow();

   /** Milliseconds: the first penalty; it doubles with each further failure up to {@link #getMaxPenalty()}. */
   long getAuthFailureDelay();

   /** Milliseconds: the longest penalty (the window). */
   long getMaxPenalty();

   /** Logins refused late or unchecked by a penalty since the acceptor started. */
   long getLoginsPenalized();

   /** Addresses and accounts counted now (those {@link #listFailedLogins()} shows). */
   int getCountedCount();

   /** Addresses and accounts whose penalty runs now. */
   int getPenalizedCount();

   /**
    * The addresses and accounts counted now, addresses first, one line each:
    * {@code address 192.0.2.7: 6 failures, the last at 2026-11-27T10:15:30.120Z; penalized until 2026-11-27T10:15:38.120Z}
    * or {@code account 901234: 2 failures, the last at ...; not penalized}. A count is forgotten once quiet for a window
    * after its last failure and penalty.
    */
   String[] listFailedLogins();

   /**
    * Forgets one client address's failures and penalty: its next login is checked at once. The address as the list
    * shows it (an IPv6 address in any notation is taken as well, and clears the /64 it is counted under). A refusal already waiting on its penalty is still
    * sent. Whether the address was counted.
    */
   boolean clearAddress(String address);

   /** Forgets one account's failures (SMPP system_id, CMPP SP_Id); whether it was counted. */
   boolean clearAccount(String account);

   /** Forgets every address's and account's failures and penalties of this acceptor; how many were counted. */
   int clearAll();
}
