/** The panel's styles; everything is set explicitly because the host's inherited styles never reach in. */
export const PANEL_CSS = `.p{position:fixed;right:20px;bottom:20px;width:min(380px,calc(100vw - 24px));max-height:min(620px,calc(100vh - 40px));display:flex;flex-direction:column;box-sizing:border-box;background:#fff;color:#1d1d1f;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.3);font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;text-align:left;overflow:hidden}
.p[hidden]{display:none}
.p *{box-sizing:border-box}
.who{display:flex;align-items:center;gap:10px}.who h2{margin:0}.av{width:32px;height:32px;border-radius:50%;background:#fff;object-fit:cover;flex:none}.an{display:block;font-size:13px;opacity:.95}.m .av{width:20px;height:20px;vertical-align:middle;margin-right:6px}
.h{display:flex;align-items:center;justify-content:space-between;padding:12px 14px 12px 18px;background:var(--rl-brand,#0b3d91);color:#fff}
.h h2{margin:0;font-size:17px;font-weight:700}
.ic{width:36px;height:36px;border:0;border-radius:8px;background:transparent;color:#fff;font:24px/1 system-ui;cursor:pointer}
.b{padding:14px 18px 18px;overflow:auto;flex:1 1 auto;min-height:0;overscroll-behavior:contain}
.sb{margin:0;padding:8px 18px;background:#fff4ce;color:#5c4400;font-size:14px}
.g{margin:0 0 12px}
.f label{display:block;font-weight:600;margin-bottom:4px}
.f input{width:100%;padding:10px 12px;border:1px solid #6b7280;border-radius:8px;font:inherit;color:inherit;background:#fff}
.lv{margin:8px 0;font-size:13px;color:#4b5563;min-height:1em}
.r{list-style:none;margin:0;padding:0}
.r li{margin:0 0 6px}
.it{display:block;width:100%;text-align:left;padding:10px 12px;border:1px solid #d0d5dd;border-radius:8px;background:#f8fafc;color:inherit;font:inherit;cursor:pointer}
.it:hover{background:#eef2ff}
.tt{display:block;font-weight:600;color:var(--rl-brand,#0b3d91)}
.sa{display:block;font-size:13px;color:#374151;overflow:hidden;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical}
h3{font-size:15px;margin:14px 0 6px}
.a{padding:10px 12px;border-left:4px solid var(--rl-brand,#0b3d91);background:#f1f5ff;border-radius:6px;margin-bottom:10px}
.a h3{margin-top:0}
.lk{border:0;background:none;padding:0;color:var(--rl-brand,#0b3d91);text-decoration:underline;font:inherit;cursor:pointer}
.bk{margin-bottom:6px}
.art h3{font-size:17px}
.sa1{font-weight:600}
.md img,.md iframe{max-width:100%}
.md a,.c a,.art>a{color:var(--rl-brand,#0b3d91)}
.c{margin-top:16px;padding-top:10px;border-top:1px solid #e5e7eb}
.c p{margin:0 0 6px}
button:focus-visible,a:focus-visible,input:focus-visible,h3:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
.h .ic:focus-visible{outline-color:#ffbf47}
.btn{font:inherit;font-weight:600;padding:8px 14px;border:0;border-radius:8px;background:var(--rl-brand,#0b3d91);color:#fff;cursor:pointer}
.cb{margin:10px 0 4px}
.log{display:flex;flex-direction:column;gap:6px;margin:6px 0}
.m{margin:0;padding:8px 12px;border-radius:12px;max-width:88%;white-space:pre-line}
.bot{background:#f1f5f9;align-self:flex-start}.bot a{color:var(--rl-brand,#0b3d91)}
.me{background:var(--rl-brand,#0b3d91);color:#fff;align-self:flex-end}
.qr{display:flex;flex-wrap:wrap;gap:6px;margin:6px 0}
.q{font:inherit;font-size:14px;padding:6px 12px;border:1px solid var(--rl-brand,#0b3d91);border-radius:16px;background:#fff;color:var(--rl-brand,#0b3d91);cursor:pointer}
.row{display:flex;gap:6px}
.fd{margin:0 0 10px}
.f textarea{width:100%;padding:10px 12px;border:1px solid #6b7280;border-radius:8px;font:inherit;color:inherit;background:#fff}
.f [aria-invalid=true]{border-color:#b42318}
.er{margin:4px 0 0;color:#b42318;font-size:13px}.er:empty{display:none}
textarea:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
.sy{align-self:center;font-size:13px;color:#4b5563;background:none;padding:2px}
.rd{align-self:flex-end;font-size:12px;color:#4b5563;margin-top:-4px}
.cf{position:sticky;bottom:0;background:#fff;padding-top:6px}
.fb,.ces{margin:12px 0 4px;padding-top:8px;border-top:1px solid #e5e7eb}.hq{margin:0 0 4px;font-weight:600}
.sc{display:flex;gap:4px}.sc .q{flex:1;min-width:0;padding:6px 0;text-align:center}
.se{display:flex;justify-content:space-between;margin:2px 0 0;font-size:12px;color:#4b5563}
@media (max-width:480px){.p{right:0;bottom:0;width:100vw;height:100vh;height:100dvh;max-height:none;border-radius:0}}
[hidden]{display:none!important}`;
