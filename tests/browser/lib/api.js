// Cases made through the JSON API where the journey under test starts later (a case referred
// 40 days ago, so that a conclusive grounds decision is allowed).

/** A referral of an adult who consents, `daysAgo` days ago; returns the case id. */
export async function referByApi(server, token, daysAgo = 0) {
  const day = new Date(Date.now() - daysAgo * 86400000).toISOString().slice(0, 10);
  const response = await fetch(`${server.base}/api/v1/referrals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      jurisdiction: 'england-wales',
      age_at_exploitation: 'adult',
      consent_to_referral: true,
      gender: 'female',
      nationalities: ['AL'],
      exploitation_types: ['labour'],
      exploitation_location: 'uk',
      referred_on: day,
      identity: { full_name: 'Ana Example', date_of_birth: '1999-04-01' },
      account: 'I was made to work in a car wash for no pay.',
    }),
  });
  if (response.status !== 201) throw new Error(`referral refused: ${response.status} ${await response.text()}`);
  return (await response.json()).case_id;
}

/** A day `days` ago as [day, month, year] strings for a GOV.UK date input. */
export function dateParts(days) {
  const d = new Date(Date.now() - days * 86400000);
  return [String(d.getUTCDate()), String(d.getUTCMonth() + 1), String(d.getUTCFullYear())];
}
