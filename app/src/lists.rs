//! What the sales and service lists (contracts, receivables, tickets, opportunities) share with the
//! customer list's conventions: a filter held in one `ListFilter`, a search box and check filters
//! bound to it, and saved views, private to each user, that store and restore the filter.

use domain_types::lists::ListFilter;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::i18n::{t_or_main, use_lang, Texts};
use crate::ui::action_error::{error_of, ActionError};
use crate::ui::loading::resource;

const TEXTS: &Texts = &[
    ("lists.search", "搜索", "Search"),
    ("lists.mine_only", "只看我的", "Mine only"),
];

fn text(key: &'static str) -> impl Fn() -> &'static str + Clone + Send + Sync + 'static {
    let lang = use_lang();
    move || t_or_main(TEXTS, lang.get(), key)
}

/// One saved view: its id, name and filter.
pub type ViewEntry = (i64, String, ListFilter);

/// The caller's saved views of a list, by name.
#[server(endpoint = "lists/views")]
pub async fn list_views(list: String) -> Result<Vec<ViewEntry>, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let object = domain::views::object_of_list(&list).map_err(domain_err)?;
    let views = domain::views::list::<ListFilter>(&st.db, &actor, object).await.map_err(domain_err)?;
    Ok(views.into_iter().map(|v| (v.id, v.name, v.spec)).collect())
}

/// Saves the filter under a name (overwriting the caller's view of that name).
#[server(endpoint = "lists/views/save", input = Json)]
pub async fn save_list_view(list: String, name: String, filter: ListFilter) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let object = domain::views::object_of_list(&list).map_err(domain_err)?;
    domain::views::save(&st.db, &actor, object, &name, &filter).await.map_err(domain_err)
}

#[server(endpoint = "lists/views/delete")]
pub async fn delete_list_view(id: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::views::delete(&st.db, &actor, id).await.map_err(domain_err)
}

/// A search box over the filter's text; the list follows when the text is committed (Enter or
/// leaving the box), not on every key.
#[component]
pub fn SearchBox(filter: RwSignal<ListFilter>, #[prop(into)] testid: String) -> impl IntoView {
    let lang = use_lang();
    view! {
        <label class="inline">
            <input
                type="search"
                data-testid=testid
                placeholder=move || t_or_main(TEXTS, lang.get(), "lists.search")
                prop:value=move || filter.with(|f| f.search.clone())
                on:change=move |ev| {
                    let text = event_target_value(&ev);
                    filter.update(|f| f.search = text);
                }
            />
        </label>
    }
}

/// "Mine only", bound to the filter.
#[component]
pub fn MineOnly(filter: RwSignal<ListFilter>, #[prop(into)] testid: String) -> impl IntoView {
    view! {
        <label class="check">
            <input
                type="checkbox"
                data-testid=testid
                prop:checked=move || filter.with(|f| f.mine_only)
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    filter.update(|f| f.mine_only = on);
                }
            />
            {text("lists.mine_only")}
        </label>
    }
}

/// The caller's saved views of `list`: pick one to apply its filter, save the current filter
/// under a name, delete one.
#[component]
pub fn SavedViews(list: &'static str, filter: RwSignal<ListFilter>) -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SaveListView>::new();
    let delete = ServerAction::<DeleteListView>::new();
    let views = resource(move || (save.version().get(), delete.version().get()), move |_| list_views(list.to_string()));
    let name = RwSignal::new(String::new());
    let picked = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            name.set(String::new());
        }
    });
    let apply = move |id: String| {
        picked.set(id.clone());
        let id: i64 = id.parse().unwrap_or(0);
        if let Some(Ok(list)) = views.get_untracked() {
            if let Some((_, _, f)) = list.into_iter().find(|(v, _, _)| *v == id) {
                filter.set(f);
            }
        }
    };
    view! {
        <div class="views-bar" data-testid="views-bar">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = views.await.unwrap_or_default();
                    let chips = list.clone();
                    view! {
                        <label>
                            <span>{text("view.saved")}</span>
                            <select data-testid="view-pick" prop:value=move || picked.get() on:change=move |ev| apply(event_target_value(&ev))>
                                <option value="">"—"</option>
                                {list.into_iter().map(|(id, name, _)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                            </select>
                        </label>
                        {chips.into_iter().map(|(id, name, _)| view! {
                            <span class="chip" data-testid="view-chip">
                                {name}
                                <button class="link danger" title=move || t_or_main(TEXTS, lang.get(), "view.delete") data-testid="view-delete"
                                    on:click=move |_| { delete.dispatch(DeleteListView { id }); }>"×"</button>
                            </span>
                        }).collect_view()}
                    }
                })}
            </Transition>
            <form class="save-view" on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(SaveListView { list: list.to_string(), name: name.get_untracked(), filter: filter.get_untracked() });
            }>
                <input bind:value=name placeholder=move || t_or_main(TEXTS, lang.get(), "view.name") data-testid="view-name"/>
                <button type="submit" class="secondary" data-testid="view-save" disabled=move || save.pending().get()>{text("view.save")}</button>
            </form>
            <ActionError error=error_of(save.value())/>
            <ActionError error=error_of(delete.value())/>
        </div>
    }
}

/// "Load more" under a keyset-paged list: the rows after the first page, each page fetched after
/// the last row's key, until a page comes back short. Restarted whenever the first page reloads
/// (a filter changed, or a live event).
pub struct Paging<R: Send + Sync + 'static, K: Send + Sync + 'static> {
    pub rows: RwSignal<Vec<R>>,
    pub next: RwSignal<Option<K>>,
    pub load: Action<K, Result<Vec<R>, AppError>>,
    key: fn(&R) -> K,
}

impl<R: Send + Sync + 'static, K: Send + Sync + 'static> Clone for Paging<R, K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R: Send + Sync + 'static, K: Send + Sync + 'static> Copy for Paging<R, K> {}

impl<R, K> Paging<R, K>
where
    R: Clone + Send + Sync + 'static,
    K: Clone + Send + Sync + 'static,
{
    pub fn new<F, Fut>(key: fn(&R) -> K, fetch: F) -> Self
    where
        F: Fn(K) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<Vec<R>, AppError>> + Send + 'static,
    {
        let paging = Paging { rows: RwSignal::new(Vec::new()), next: RwSignal::new(None), load: Action::new(move |k: &K| fetch(k.clone())), key };
        Effect::new(move |_| {
            if let Some(Ok(page)) = paging.load.value().get() {
                paging.next.set(paging.after(&page));
                paging.rows.update(|rows| rows.extend(page));
            }
        });
        paging
    }

    fn after(&self, page: &[R]) -> Option<K> {
        if page.len() as i64 >= crate::ui::list::PAGE_SIZE {
            page.last().map(self.key)
        } else {
            None
        }
    }

    /// Starts over after a freshly loaded first page.
    pub fn restart(&self, first: &[R]) {
        self.rows.set(Vec::new());
        self.next.set(self.after(first));
    }
}

/// The "load more" button of a paged list.
#[component]
pub fn LoadMore<R, K>(paging: Paging<R, K>) -> impl IntoView
where
    R: Clone + Send + Sync + 'static,
    K: Clone + Send + Sync + 'static,
{
    view! {
        <Show when=move || paging.next.with(|n| n.is_some())>
            <button type="button" class="secondary" data-testid="load-more" disabled=move || paging.load.pending().get()
                on:click=move |_| {
                    if let Some(k) = paging.next.get_untracked() {
                        paging.load.dispatch(k);
                    }
                }>{text("cust.more")}</button>
        </Show>
        <ActionError error=error_of(paging.load.value())/>
    }
}
