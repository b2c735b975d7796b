import type { Db } from '../../db/client.ts';
import { ANONYMOUS } from '../../server/access.ts';
import * as kb from '../kb/service.ts';
import * as repo from './repository.ts';
import type { Rule } from './schemas.ts';
import * as widget from './service.ts';

export const DEMO_SITE = 'demo';

/** Demo rules on the Nuvia content: a URL rule, a checkout-error nudge, a lingering-visitor nudge. */
export async function demoRules(db: Db): Promise<Rule[]> {
  const rows = await kb.listArticles(db, {
    audience: 'public',
    status: 'published',
    locale: 'fr',
    limit: 1000,
  });
  const ids = (...keys: string[]) => keys.flatMap((k) => rows.filter((r) => r.key === k).map((r) => r.id));
  const base = { enabled: true, cooldownHours: 24, priority: 0 };
  return [
    {
      ...base,
      id: 'billing-page',
      name: 'Billing pages: invoices first',
      when: { urlPattern: '*/billing*' },
      show: 'suggest',
      articleIds: ids('download-invoice', 'higher-bill', 'pay-by-card'),
    },
    {
      ...base,
      id: 'checkout-error',
      name: 'Payment refused at checkout',
      when: { event: 'checkout_error' },
      show: 'nudge',
      priority: 10,
      cooldownHours: 0,
      articleIds: ids('payment-rejected', 'pay-by-card', 'change-bank-details'),
      message: {
        fr: 'Paiement refusé ? Voici ce qui règle le problème le plus souvent.',
        en: 'Payment refused? Here is what usually fixes it.',
      },
    },
    {
      ...base,
      id: 'internet-linger',
      name: 'Lingering on the internet page',
      when: { urlPattern: '*/internet*', minSecondsOnPage: 15 },
      show: 'nudge',
      articleIds: ids('no-internet-red-light', 'slow-connection-wifi', 'restart-reset-box'),
    },
  ];
}

/** Creates the `demo` site (allowed on Relais's own origin) once, when the demo content is on. */
export async function ensureDemoSite(db: Db, origins: string[]) {
  if (await repo.findSite(db, DEMO_SITE)) return;
  await widget.createSite(db, ANONYMOUS, { key: DEMO_SITE, name: 'Demo host page', allowedOrigins: origins });
  await widget.replaceRules(db, ANONYMOUS, DEMO_SITE, await demoRules(db));
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A plain shop page that embeds the widget with one snippet. */
export function demoHostPage(site: string, page = ''): string {
  const tags = page === 'checkout' ? 'checkout,payment' : page;
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nuvia — boutique de démonstration</title>
<link rel="stylesheet" href="/demo/host.css">
<script src="/demo/host.js" defer></script>
<script src="/widget.js" data-relais-site="${esc(site)}" async></script>
</head>
<body data-tags="${esc(tags)}">
<header><strong>Nuvia</strong> — démo · <a href="/demo/host">Accueil</a><a href="/demo/host/billing">Factures</a><a href="/demo/host/internet">Internet</a><a href="/demo/host/checkout">Paiement</a></header>
<main>
<h1>${page === 'checkout' ? 'Finaliser la commande' : page === 'billing' ? 'Mes factures' : page === 'internet' ? 'Ma box internet' : 'Boutique de démonstration'}</h1>
<p>Cette page imite le site d'un client de Relais. Le widget d'aide (en bas à droite) est chargé par une seule balise <code>&lt;script&gt;</code>, dans un Shadow DOM, sous une CSP stricte.</p>
<ul>
<li><a href="/demo/host/billing">Factures</a> : une règle d'URL propose des articles sur les factures à l'ouverture du widget.</li>
<li><a href="/demo/host/checkout">Paiement</a> : le bouton ci-dessous simule un refus de paiement (<code>Relais.track('checkout_error')</code>) et déclenche une suggestion discrète.</li>
<li><a href="/demo/host/internet">Internet</a> : restez 15 secondes pour voir une suggestion proactive.</li>
</ul>
${page === 'checkout' ? '<p><button id="pay" type="button">Payer 29,99 €</button></p><p id="pay-status" role="status"></p>' : '<p><button id="pay" type="button" hidden>Payer</button><span id="pay-status"></span></p>'}
</main>
</body>
</html>
`;
}
