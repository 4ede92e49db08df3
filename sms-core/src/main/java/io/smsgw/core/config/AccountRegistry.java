package io.smsgw.core.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The accounts of one configuration, looked up by id (exact, case-sensitive match). Immutable; a
 * reload builds a new registry.
 */
public final class AccountRegistry {

   private static final AccountRegistry EMPTY = new AccountRegistry(List.of());

   private final Map<String, Account> byId;
   private final List<Account> all;

   /** @throws IllegalArgumentException when two accounts share an id */
   public AccountRegistry(Collection<Account> accounts) {
      Map<String, Account> map = new LinkedHashMap<>();
      for (Account account : accounts) {
         if (map.putIfAbsent(account.id(), account) != null) {
            throw new IllegalArgumentException("duplicate account id " + account.id());
         }
      }
      this.byId = map;
      this.all = List.copyOf(map.values());
   }

   public static AccountRegistry empty() {
      return EMPTY;
   }

   public Optional<Account> find(String id) {
      return id == null ? Optional.empty() : Optional.ofNullable(byId.get(id));
   }

   /** Every account, in configuration order. */
   public List<Account> all() {
      return all;
   }

   public int size() {
      return all.size();
   }

   @Override
   public String toString() {
      return "AccountRegistry" + byId.keySet();
   }
}
