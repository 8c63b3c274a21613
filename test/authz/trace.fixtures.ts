import * as s from '../../db/schema/index';
import type { Fixture, Locus, World } from './world';

// The trace module's record for the authorisation cases (issue 8): `GET /api/trace/:lotCode`
// takes a lot's id as well as its code, so the generic `get` case traces the harvest lot of
// the locus's village (Changjiang, Qingyuan, or the other union's). Nothing else is served:
// the other operations are refused as no such route.

const lotAt = (w: World, l: Locus): number => {
  const place = l.union === w.foreign.union ? 'foreign' : l.village === w.qy.id ? 'qy' : 'cj';
  return w.prod!.places[place].lot.id;
};

const trace: Fixture = {
  table: s.harvestLots,
  existing: lotAt,
  deletable: async (w, l) => lotAt(w, l),
  createBody: async () => ({ body: {} }),
  updateBody: () => ({}),
};

export const traceFixtures: Record<string, Fixture> = { trace };
