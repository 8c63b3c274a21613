import { relations } from 'drizzle-orm';
import { auditLog } from './schema/audit';
import { buyers, cooperatives, households, people, plots, unions, users, villages } from './schema/org';

// drizzle relations, in one place, for relational queries (db.query.households.findMany({ with: ... })).

export const unionsRelations = relations(unions, ({ many }) => ({
  villages: many(villages),
  cooperatives: many(cooperatives),
  buyers: many(buyers),
  users: many(users),
}));

export const villagesRelations = relations(villages, ({ one, many }) => ({
  union: one(unions, { fields: [villages.union_id], references: [unions.id] }),
  cooperative: one(cooperatives),
  households: many(households),
  people: many(people),
  plots: many(plots),
}));

export const cooperativesRelations = relations(cooperatives, ({ one }) => ({
  village: one(villages, { fields: [cooperatives.village_id], references: [villages.id] }),
}));

export const householdsRelations = relations(households, ({ one, many }) => ({
  village: one(villages, { fields: [households.village_id], references: [villages.id] }),
  people: many(people),
  plots: many(plots),
}));

export const peopleRelations = relations(people, ({ one }) => ({
  village: one(villages, { fields: [people.village_id], references: [villages.id] }),
  household: one(households, { fields: [people.household_id], references: [households.id] }),
}));

export const plotsRelations = relations(plots, ({ one }) => ({
  village: one(villages, { fields: [plots.village_id], references: [villages.id] }),
  household: one(households, { fields: [plots.household_id], references: [households.id] }),
}));

export const buyersRelations = relations(buyers, ({ one }) => ({
  union: one(unions, { fields: [buyers.union_id], references: [unions.id] }),
}));

export const usersRelations = relations(users, ({ one }) => ({
  union: one(unions, { fields: [users.union_id], references: [unions.id] }),
  cooperative: one(cooperatives, { fields: [users.cooperative_id], references: [cooperatives.id] }),
  village: one(villages, { fields: [users.village_id], references: [villages.id] }),
  household: one(households, { fields: [users.household_id], references: [households.id] }),
  buyer: one(buyers, { fields: [users.buyer_id], references: [buyers.id] }),
}));

export const auditLogRelations = relations(auditLog, ({ one }) => ({
  user: one(users, { fields: [auditLog.user_id], references: [users.id] }),
}));
