import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readParticipants, readSecurities } from '../../src/io/reference';

const dir = mkdtempSync(path.join(os.tmpdir(), 'reference-'));
const file = (name: string, text: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('reference files', () => {
  it('reads security names and price decimals by Id (headers trimmed, any case; the last row of an id wins)', async () => {
    const f = file('ref.csv', ' Partition, Id ,NAME,DecimalsInPrice\n1,110621,DRR Test Security,2\n1,85603,Old Name,3\n1,85603, CBA ,3\n1,7,,\n');
    expect(await readSecurities([f])).toEqual({
      110621: { name: 'DRR Test Security', priceDecimals: 2 }, 85603: { name: 'CBA', priceDecimals: 3 }, 7: { name: null, priceDecimals: null },
    });
  });

  it('reads the real sample\'s reference file, when ../shared is there', async () => {
    const sample = path.join(__dirname, '..', '..', '..', 'shared', 'samples', 'asx-drr', 'reference.csv');
    if (!existsSync(sample)) {
      console.warn(`SKIPPED: ${sample} is not there (../shared is absent)`);
      return;
    }
    expect((await readSecurities([sample]))['110621']).toEqual({ name: 'DRR Test Security', priceDecimals: 2 });
  });

  it('refuses a DecimalsInPrice that is not 0 to 18, naming the file and line', async () => {
    const f = file('bad.csv', 'Id,Name,DecimalsInPrice\n1,A,2\n2,B,two\n');
    await expect(readSecurities([f])).rejects.toThrow(`${f}:3: column DecimalsInPrice: 'two' is not an integer from 0 to 18`);
    await expect(readSecurities([file('noid.csv', 'Name\nA\n')])).rejects.toThrow("reference file has no 'Id' column");
  });

  it('reads participants by Id', async () => {
    const f = file('p.csv', ' Id, ParticipantName, ParticipantType\n1001,BrokerA,Broker\n1002,BrokerB,\n');
    expect(await readParticipants([f])).toEqual({ 1001: { name: 'BrokerA', type: 'Broker' }, 1002: { name: 'BrokerB', type: '' } });
  });
});
